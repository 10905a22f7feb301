"""The web app for agencies and the coordinator: the JSON API now, the portal pages later."""
