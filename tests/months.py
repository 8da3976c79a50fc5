"""The month names the tests expect, written out independently of openmun/months.py so that they check it."""

# Morocco's names (Arabic): what every date on the portal, in its PDFs and in the admin must use.
MOROCCAN_MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
]
