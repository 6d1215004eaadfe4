"""wenping: social-stability risk assessment (稳评) as a Camunda 8 process application."""

__version__ = "0.1.0"
