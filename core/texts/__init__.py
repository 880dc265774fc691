"""Every Vietnamese text a person reads, one module per area, kept apart from the code that
speaks it so a Vietnamese reader can review and change it without touching logic."""
