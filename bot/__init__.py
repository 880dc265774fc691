"""Campaign-reporting chatbot for Vietnamese public units, on Telegram and Zalo."""
