"""Documents the bot writes (the Excel workbook of `/xuat`): pure writers of plain data.

A module here imports only the standard library, third-party libraries and the ground modules
(the campaign, the domain, the texts): never storage, handlers or the bot's engine. Whoever
calls it reads the data first and passes it in.
"""
