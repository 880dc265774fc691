"""The Word templates of the drafts; ``build.py`` regenerates them, a clerk may edit them in Word."""
