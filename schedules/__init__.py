"""Timing: APScheduler only wakes our own jobs; the database says what is due."""
