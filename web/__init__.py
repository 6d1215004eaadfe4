"""The staff web app: Chinese task inbox, forms, case pages, ledger and dashboard.

It talks to an engine only through the Camunda 8 REST API v2 (``web.camunda``) and never imports
``engine``; domain data comes from the workers' services (``web.domain``). See ``web/README.md``.
"""
