// Post a report file as one pull-request comment, updated in place on every push (found by its
// hidden marker) so the thread keeps one current audit and one current diff. Called from
// actions/github-script (https://github.com/actions/github-script#run-a-separate-file).
const { readFileSync } = require('node:fs');

// GitHub rejects comment bodies over 65536 characters.
const MAX_BODY = 65000;

module.exports = async function comment({ github, context, file, marker, title, fence }) {
  let text = readFileSync(file, 'utf8').trimEnd();
  const head = `${marker}\n### ${title}\n\n`;
  const open = fence ? `\`\`\`${fence}\n` : '';
  const close = fence ? '\n```' : '';
  const room = MAX_BODY - head.length - open.length - close.length - 100;
  if (text.length > room) text = `${text.slice(0, room)}\n… (truncated; the full output is in the job log)`;
  const body = `${head}${open}${text}${close}\n`;
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const mine = comments.find((c) => c.user?.type === 'Bot' && c.body?.startsWith(marker));
  if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  else await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return body;
};
