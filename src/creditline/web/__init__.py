"""The console: server-rendered pages for people (reviewers, auditors, admins, ...) served
by the API's own process under ``/console``.

An entrypoint like ``api/`` and ``cli/``: pages build a command and call the same services
the API calls; they never import the store.  Sign-in is by user name and password into a
server-side session (``creditline.access.sessions``); bearer tokens stay for machines."""
