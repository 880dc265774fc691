"""Submitted documents: reading what a unit sent, independent of the bot and storage."""
