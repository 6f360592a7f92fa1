"""WSGI entry point for production servers: ``gunicorn 'server.wsgi:app'``.

Settings come from the environment (``TNMT_KG_*``) or ``TNMT_KG_CONFIG``. The query workers
are started lazily in each gunicorn worker process, after its fork.
"""

from .app import create_app

app = create_app()
