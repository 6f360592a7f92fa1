"""The tnmt-kg web app: HTTP only. The knowledge graph itself lives in ``kg``."""
