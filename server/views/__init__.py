"""One blueprint per concern. A view parses the request, calls the service, renders."""
