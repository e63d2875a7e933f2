"""Rate limits and the audit of failed attempts, for the doors anyone may knock on.

Two doors take a secret from an unauthenticated caller: a portal link (``/p/<token>/``) and an
integration's bearer token (the FHIR API). Staff sign-in has its own lockout (django-axes).

- ``limits``: counters per client address and per token in the ``ratelimit`` cache
  (django-ratelimit on a database cache, so every process of a deployment shares them); over a
  limit the caller gets 429 with ``Retry-After``.
- ``failures``: every failed attempt is counted in ``FailureTally`` (one row per kind, address and
  interval); only the first failure of an interval writes an audit row at once, and the rest of the
  interval is written as one summary row afterwards, so a flood cannot flood the audit chain.
"""
