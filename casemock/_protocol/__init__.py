"""Wire protocol (rest-json) derived from the service model: router, decoder, encoder."""
