"""Files the bot writes and reads: charts, the Excel workbook, the Word drafts of the year's end,
and the reading of submitted documents. Imports only the ground (`core`) and libraries."""
