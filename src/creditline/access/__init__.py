"""Access and identity: who a bearer token belongs to, the users and their tokens' life
(issue, expiry, rotation, revocation), and the failed-authentication throttle.

The roles and the permission table stay in ``creditline.auth``; this context holds the use
cases the API, the CLI (and later the web console) share."""
