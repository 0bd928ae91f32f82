# English dates as written in Norway's English texts and in British English:
# "30 June 2025" (Django's "en" has "June 30, 2025"; bokmål "30. juni 2025").
# Only what differs from Django's "en" formats is set here.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
