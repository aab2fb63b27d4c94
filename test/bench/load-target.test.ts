import { chooseLoadTarget, isLocalLoadHost, targetUrl } from '../../bench/load-target';

test('the bench loads loopback and the private ranges engines give their networks, nothing else', () => {
  for (const host of ['127.0.0.1', '10.88.3.171', '172.17.0.2', '172.31.255.1', '192.168.1.9']) expect(isLocalLoadHost(host)).toBe(true);
  for (const host of ['8.8.8.8', '172.32.0.1', '172.15.0.1', '192.169.0.1', '10.0.0.256', 'localhost', '::1', '', '10.0.0'])
    expect(isLocalLoadHost(host)).toBe(false);
});

test("a task that answers at its own address is loaded there, at the proxy's container port", async () => {
  const asked: string[] = [];
  const t = await chooseLoadTarget({
    address: '172.17.0.2',
    containerPort: 8080,
    publishedPort: 41234,
    answers: async (host, port) => {
      asked.push(`${host}:${port}`);
      return true;
    },
  });
  expect(t).toEqual({ host: '172.17.0.2', port: 8080, via: 'task address' });
  expect(asked).toEqual(['172.17.0.2:8080']);
  expect(targetUrl(t)).toBe('http://172.17.0.2:8080/');
});

test('otherwise the published port on 127.0.0.1, saying why', async () => {
  const never = async () => false;
  const always = async () => true;
  const cases: [Parameters<typeof chooseLoadTarget>[0], string][] = [
    [{ address: undefined, containerPort: 8080, publishedPort: 41234, answers: always }, 'the engine gives the task no address on its network'],
    [{ address: '172.17.0.2', containerPort: undefined, publishedPort: 41234, answers: always }, 'the task publishes no container port'],
    [{ address: '8.8.8.8', containerPort: 8080, publishedPort: 41234, answers: always }, "the task's address 8.8.8.8 is not a private IPv4 address"],
    [
      { address: '10.0.2.100', containerPort: 8080, publishedPort: 41234, answers: never, timeoutMs: 600 },
      "the task's address 10.0.2.100:8080 did not answer from the host within 1 s",
    ],
  ];
  for (const [o, why] of cases) expect(await chooseLoadTarget(o)).toEqual({ host: '127.0.0.1', port: 41234, via: 'published port', why });
});

test('a task whose proxy is not listening yet is asked again until the deadline', async () => {
  let asked = 0;
  const t = await chooseLoadTarget({ address: '172.17.0.2', containerPort: 8080, publishedPort: 41234, answers: async () => ++asked >= 3, timeoutMs: 5000 });
  expect(t.via).toBe('task address');
  expect(asked).toBe(3);
});

test('the reachability check is a real GET with a deadline: a closed port is not an answer', async () => {
  const t = await chooseLoadTarget({ address: '127.0.0.1', containerPort: 9, publishedPort: 41234, timeoutMs: 500 });
  expect(t.via).toBe('published port');
});
