/**
 * The explorer page's own script (served as /explorer/assets/explorer.js): GraphiQL against /graphql,
 * the bearer token in GraphiQL's header editor, and a sign-in helper that puts it there. Plain browser
 * JavaScript, kept in memory only (never in storage).
 */
export const EXPLORER_SCRIPT = String.raw`(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  var status = document.getElementById('signin-status');
  function render(token) {
    var headers = token ? JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2) : '{}';
    root.render(
      React.createElement(GraphiQL, {
        key: token || 'anonymous',
        fetcher: fetcher,
        headers: headers,
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: 'headers',
        defaultQuery: params.get('query') || '{\n  viewer {\n    username\n    privileges\n  }\n}\n',
        query: params.get('query') || undefined,
      }),
    );
  }
  document.getElementById('signin').addEventListener('submit', function (event) {
    event.preventDefault();
    var username = document.getElementById('signin-username').value;
    var password = document.getElementById('signin-password').value;
    status.textContent = 'Signing in…';
    fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p, deviceName: "explorer") { token } }',
        variables: { u: username, p: password },
      }),
    })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.data && body.data.login) {
          status.textContent = 'Signed in as ' + username + ': the token is in the Headers tab.';
          document.getElementById('signin-password').value = '';
          render(body.data.login.token);
        } else {
          status.textContent = (body.errors && body.errors[0] && body.errors[0].message) || 'Sign-in failed.';
        }
      })
      .catch(function () { status.textContent = 'Sign-in failed: the server did not answer.'; });
  });
  render(null);
})();
`;

export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/explorer/assets/graphiql.css">
<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #signin { display: flex; gap: .5rem; align-items: center; padding: .4rem .8rem; border-bottom: 1px solid #ddd; font-size: 14px; }
  #signin input { font: inherit; padding: .2rem .4rem; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<form id="signin" autocomplete="off">
  <strong>Gatehouse</strong>
  <label>Username <input id="signin-username" name="username" required></label>
  <label>Password <input id="signin-password" name="password" type="password" required></label>
  <button type="submit">Sign in</button>
  <span id="signin-status" role="status">Not signed in: queries run anonymously.</span>
</form>
<div id="graphiql"></div>
<script src="/explorer/assets/react.js"></script>
<script src="/explorer/assets/react-dom.js"></script>
<script src="/explorer/assets/graphiql.js"></script>
<script src="/explorer/assets/explorer.js"></script>
</body>
</html>
`;
