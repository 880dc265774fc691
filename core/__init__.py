"""The ground floor: pure code that every layer above may import and that imports nothing of ours
outside this package — the campaign file's schema and loader, the domain rules, the Vietnamese
text catalogue, the message model and the channel protocol, settings, rate limits."""
