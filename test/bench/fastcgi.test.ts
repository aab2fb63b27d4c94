import { TYPE, encodeParams, encodeRequest, parseRecords, responseStatus } from '../../bench/fastcgi';

test('params: short lengths in one byte, long ones in four with the high bit set', () => {
  expect([...encodeParams({ A: 'bc' })]).toEqual([1, 2, 65, 98, 99]);
  const long = encodeParams({ K: 'x'.repeat(200) });
  expect([...long.subarray(0, 5)]).toEqual([1, 0x80, 0, 0, 200]);
});

test('a request is BEGIN_REQUEST (responder, keep-conn), PARAMS, empty PARAMS, empty STDIN', () => {
  const { records, rest } = parseRecords(encodeRequest(1, { A: 'b' }));
  expect(rest.length).toBe(0);
  expect(records.map((r) => r.type)).toEqual([TYPE.BEGIN_REQUEST, TYPE.PARAMS, TYPE.PARAMS, TYPE.STDIN]);
  expect([...records[0].content]).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  expect(records[2].content.length).toBe(0);
});

test('parseRecords keeps an incomplete record for the next chunk and skips padding', () => {
  const h = Buffer.from([1, TYPE.STDOUT, 0, 1, 0, 2, 3, 0, 104, 105, 0, 0, 0]);
  expect(parseRecords(h.subarray(0, 9)).records).toEqual([]);
  const { records, rest } = parseRecords(Buffer.concat([h, h.subarray(0, 4)]));
  expect(records[0].content.toString()).toBe('hi');
  expect(rest.length).toBe(4);
});

test('status: the Status header, else 200', () => {
  expect(responseStatus('Content-type: text/html\r\n\r\n<html>')).toBe(200);
  expect(responseStatus('Status: 404 Not Found\r\nContent-type: text/plain\r\n\r\nStatus: 200')).toBe(404);
});
