"""One Powertools Router per resource; the app includes them all under /v1."""
