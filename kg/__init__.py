"""tnmt-kg: a knowledge graph of the units, officials and roles of Bộ Tài nguyên và Môi trường.

Data flows one way: sources → build → store → query service → exports and HTTP views.
This package is the library; it never imports Flask or ``server``.
"""

__version__ = "0.1.0"
