import { fails, holds, type Probe } from '../probe';

/** First, because nothing else can be judged when the URL does not answer (the runner stops there). */
export const serves: Probe = {
  id: 'serves',
  title: 'Serves the URL',
  checks: 'GET of the URL answers within the request deadline with a status below 500.',
  async run(ctx) {
    const a = await ctx.front();
    return a.status < 500 ? holds(`answered ${a.status} in ${a.ms} ms`) : fails(`answered ${a.status}`);
  },
};
