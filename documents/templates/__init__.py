"""The Word templates of the drafts: ``build.py`` makes them, a clerk may edit them in Word."""
