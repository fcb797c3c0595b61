"""The word lists that figures and dates still need: currencies, scales, months, number words, hedges."""

from __future__ import annotations

CURRENCIES = {"¥": "yen", "yen": "yen", "$": "usd", "dollar": "usd", "won": "krw", "€": "eur", "euro": "eur", "£": "gbp", "pound": "gbp",
              "lira": "lira", "franc": "franc", "mark": "mark", "rupee": "inr", "yuan": "cny", "rouble": "rub", "ruble": "rub", "peso": "peso",
              "krona": "sek", "kronor": "sek", "rand": "zar", "shekel": "ils", "dinar": "dinar", "riyal": "riyal", "dirham": "aed",
              "cent": "cent", "reais": "brl", "baht": "thb", "rupiah": "idr", "ringgit": "myr", "naira": "ngn", "zloty": "pln",
              "hryvnia": "uah", "a$": "aud", "au$": "aud", "us$": "usd", "c$": "cad", "ca$": "cad", "nz$": "nzd", "hk$": "hkd", "s$": "sgd",
              "australian dollar": "aud", "canadian dollar": "cad", "sterling": "gbp"}
# The letters before '$' that say whose dollar it is ('A$900,000', 'US$5m', 'NZ$20').
DOLLAR_PREFIXES = r"(?:AU|A|US|CA|C|NZ|HK|S)"
# The currencies as words after a figure ('6 million lira', '300 dollars'), singular or plural.
CURRENCY_WORDS = (r"(?:US dollars|reais|(?:yen|dollar|won|euro|pound|lira|lire|franc|mark|rupee|yuan|rouble|ruble|peso|krona|kronor|rand|"
                  r"shekel|dinar|riyal|dirham|cent|baht|rupiah|ringgit|naira|zloty|hryvnia)s?)")
SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
# A year as articles write one, 1000-2099 (no word boundaries: each use adds its own).
YEAR_DIGITS = r"(?:1\d|20)\d\d"
MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
# The time zones news writes after a clock time ('13:35 GMT', '9am ET').
TIME_ZONES = r"(?:GMT|BST|UTC|CET|CEST|EST|EDT|CST|CDT|PST|PDT|JST|ET|PT)"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())} | {"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
# What follows a distance in metres ('the 100m final', 'a 200m champion'), where 'm' is not a million.
RACE_WORDS = ("title", "final", "finals", "champion", "championship", "race", "silver", "gold", "bronze", "medal", "medallist", "hurdles",
              "freestyle", "relay", "steeplechase", "record", "sprint", "sprinter", "breaststroke", "butterfly", "backstroke", "heat",
              "heats", "event", "world record", "runner", "swim", "dash")
ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
                     "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())
FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
# Units of time (as stemmed) in minutes, each stated in another exactly ('two weeks' is '14 days', '30 minutes' 'half an hour');
# months and years, whose length varies, and decades are units of their own.
MINUTES_IN = {"second": 1 / 60, "minut": 1.0, "hour": 60.0, "day": 1440.0, "week": 10080.0, "fortnight": 20160.0}
DURATIONS = frozenset(MINUTES_IN) | {"month", "year", "decad"}
# Words that state a time without a date ('last week', 'on Sunday morning', 'after the election', 'as soon as they enter into force').
TIME_WORDS = frozenset("yesterday today tomorrow tonight morning afternoon evening night week weekend weeks month months year years decade "
                       "century season spring summer autumn fall winter ago last next earlier later recently now day days hour hours "
                       "minute minutes noon midnight christmas easter dawn dusk time election war birthday am pm soon once during "
                       "after before until since".split())
# Words that state how many without a figure ('hundreds of people', 'a handful', 'twice').
QUANTITY_WORDS = frozenset("sixty seventy eighty ninety thousand million billion hundreds thousands dozens millions billions several few "
                           "handful couple scores single once twice both".split())
# How a figure is hedged or bounded ('about 30', 'no less than £168 billion'): one list, read as words (HEDGES, with '-plus') and
# as the optional words before a figure (APPROX, with '~').
HEDGE_PHRASES = ("about", "roughly", "around", "approximately", "nearly", "almost", "up to", "more than", "less than", "fewer than",
                 "no more than", "no less than", "no fewer than", "at least", "over", "some")
HEDGES = frozenset(w for phrase in HEDGE_PHRASES for w in phrase.split()) | {"plus"}
APPROX = rf"(?:(?:~|{'|'.join(phrase + ' ' for phrase in HEDGE_PHRASES)})\s*)?"
LOWER_BOUND = r"\b(?:more than|over|at least|exceed\w*|above|upwards of)\b|\+|-plus\b"
UPPER_BOUND = r"\b(?:up to|less than|under|at most|below|no more than)\b"
FIGURE_WORDS = frozenset("yen dollar dollars usd euro euros pound pounds won percent per cent cents trillion billion million thousand bn mn "
                         "half third thirds quarter quarters fifth fifths tenth tenths one two three four five six seven eight nine ten "
                         "eleven twelve fifteen twenty thirty forty fifty hundred dozen plus".split())
# Words and their opposites, both ways round, that the shipped judge's generated contradictions were drawn from
# (`qa train judge` reads these and no others, so that it reproduces the shipped file).
JUDGE_ANTONYMS = dict(pair for a, b in [
    ("rose", "fell"), ("rise", "fall"), ("increased", "decreased"), ("increase", "decrease"), ("higher", "lower"), ("more", "fewer"),
    ("won", "lost"), ("win", "lose"), ("approved", "rejected"), ("accepted", "rejected"), ("common", "uncommon"), ("likely", "unlikely"),
    ("mother", "father"), ("son", "daughter"), ("husband", "wife"), ("before", "after"), ("first", "last"), ("largest", "smallest"),
    ("biggest", "smallest"), ("opened", "closed"), ("north", "south"), ("east", "west"), ("men", "women"), ("man", "woman"),
    ("male", "female"), ("gained", "lost"), ("above", "below"), ("began", "ended"), ("earlier", "later"), ("minimum", "maximum"),
    ("guilty", "innocent"), ("supported", "opposed"), ("allowed", "banned"), ("legal", "illegal"), ("public", "private"),
    ("domestic", "foreign"), ("strong", "weak"), ("profit", "loss"), ("bought", "sold"), ("buy", "sell"), ("up", "down"),
    ("success", "failure"), ("best", "worst"), ("cheaper", "dearer"), ("younger", "older"), ("raised", "cut"), ("joined", "left"),
] for pair in ((a, b), (b, a)))
# Every word and its opposite: the word a passage puts in place of a claim's (or a question's) that says the opposite. Comparisons
# only, not the plain 'high' or 'long' a question asks 'How high…?' or 'How long…?' with, nor sides ('Western officials').
ANTONYMS = JUDGE_ANTONYMS | dict(pair for a, b in [
    ("larger", "smaller"), ("bigger", "smaller"), ("longer", "shorter"), ("faster", "slower"), ("wider", "narrower"),
    ("heavier", "lighter"), ("stronger", "weaker"), ("easier", "harder"), ("richer", "poorer"), ("warmer", "colder"),
] for pair in ((a, b), (b, a)))
# One-word forms of the same country or union, each read as the first ('British' is the UK, 'American' the US); forms that share
# their first four letters ('Japan', 'Japanese') need no entry.
PLACE_FORMS = {form: group[0] for group in [
    ("uk", "u.k", "britain", "british", "britons"), ("us", "u.s", "usa", "america", "american", "americans"),
    ("uae", "emirati", "emirates"), ("netherlands", "dutch", "holland"), ("switzerland", "swiss"), ("france", "french"),
    ("ireland", "irish"), ("spain", "spanish"), ("sweden", "swedish"), ("denmark", "danish"), ("norway", "norwegian"),
    ("finland", "finnish"), ("poland", "polish"), ("turkey", "turkish"), ("eu", "european"),
] for form in group}
# Capitals news uses for their country's government ('Moscow denies…'): no other party than the country where one text names the
# capital and the other the country, though a capital named is not the country stated.
CAPITALS = {"moscow": "russia", "kremlin": "russia", "beijing": "china", "washington": "us", "london": "uk", "tokyo": "japan",
            "paris": "france", "berlin": "germany", "kyiv": "ukraine", "kiev": "ukraine", "tehran": "iran", "damascus": "syria",
            "brussels": "eu"}

# What befell the people a report counts, each in the words news writes it in: the killed are not the injured, the arrested or the
# evacuated ('injured 11 people' does not say how many were killed).
FATES = {
    "killed": r"kill\w*|died|dies|die|dying|dead|deaths?|fatal\w*|slain|murdered|massacr\w*|slaughter\w*|perish\w*|succumb\w*|"
              r"(?:lost|claimed) (?:\w+ )?lives",
    "injured": r"injur\w*|wound\w*|hurt",
    "arrested": r"arrest\w*|detain\w*|detention",
    "evacuated": r"evacuat\w*|displac\w*",
    "rescued": r"rescu\w*|saved",
    "missing": r"missing|unaccounted",
}

# Words that turn a statement into its opposite when one side has them and the other does not ('t' of "doesn't").
NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "none", "nobody", "nothing", "cannot", "t"})
# The lower-case words inside a name ('Jaish al Adal', 'Osama bin Laden', 'Ludwig van Beethoven').
NAME_PARTICLES = ("al", "el", "bin", "ibn", "de", "del", "da", "di", "du", "van", "von", "der", "den", "la", "le")
# Titles before a name: part of how a name is written, never a name of their own.
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr"})
# Words news writes one role in ('LFA boss Musa Bility' for the head of the Liberian FA, 'her attorney' for her lawyer).
ROLE_SYNONYMS = [("head", "chief", "boss", "leader"), ("lawyer", "attorney", "solicitor"), ("chief executive", "chief executive officer", "CEO"),
                 ("manager", "boss"), ("chairman", "chairwoman", "chair", "chairperson"), ("spokesman", "spokeswoman", "spokesperson")]
