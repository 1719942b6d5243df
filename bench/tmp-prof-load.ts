import autocannon from 'autocannon';
async function main() {
  const url = 'http://127.0.0.1:4720';
  const r = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { login(username: "bench", password: "bench-password-1") { token } }' }) });
  const token = ((await r.json()) as any).data.login.token;
  await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: 'mutation($p: JSON!) { patchSettings(patch: $p) { restartRequired } }', variables: { p: { rateLimits: { api: { perCaller: 1000000000, windowSeconds: 1 } } } } }) });
  const q = process.argv[2];
  const res = await autocannon({ url: url + '/graphql', method: 'POST', connections: 50, duration: Number(process.argv[3] ?? 10), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: q }) });
  console.log(res.requests.average, res.latency.p50, res.latency.p99, res.non2xx, res.errors);
}
main();
