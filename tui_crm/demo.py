"""Realistic Polish sample contacts, for demos, screenshots and benchmarks.

``generate_contacts(count)`` returns documents in exactly the ``Contact.to_doc()`` format, with
the bookkeeping a store would set (version 1, created/updated timestamps and operators). The
output depends only on the arguments: one ``random.Random(seed)`` drives everything, and the
timestamps are measured back from a fixed moment unless ``now`` is given, so the same call gives
the same contacts on every machine. Contact *i* depends only on the contacts before it, so
``generate_contacts(n)`` is a prefix of ``generate_contacts(m)`` for ``n <= m``.

The data is plausible, not merely random: persons carry gender-correct Polish names
(Kowalski/Kowalska), organizations carry real-looking company names with a NIP (and sometimes a
REGON) whose check digits are right, phones are valid Polish numbers in E.164 (landlines use the
area code of the contact's city), postal codes fall in the city's range, e-mails are ASCII-folded
from the names. Pure Python and cheap: no phone parsing or validation happens here.
"""

from __future__ import annotations

import gc
import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from tui_crm.domain.contact import compact_doc

_T = TypeVar("_T")

__all__ = ["DEMO_OPERATORS", "DEMO_OPERATOR_NAMES", "DEMO_NOW", "generate_contacts"]

#: Login names of the demo operators.
DEMO_OPERATORS: tuple[str, ...] = ("anna", "piotr", "kasia")

#: Login name -> display name of the demo operators.
DEMO_OPERATOR_NAMES: dict[str, str] = {
    "anna": "Anna Nowak",
    "piotr": "Piotr Kowalski",
    "kasia": "Katarzyna Wiśniewska",
}

#: The moment the timestamps are measured back from when ``now`` is not given.
DEMO_NOW = datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC)

_HISTORY_DAYS = 3 * 365  # contacts are created over the last ~3 years
_DAY = 86_400

# --------------------------------------------------------------------------------------------
# Names

_MALE_FIRST = (
    "Adam", "Andrzej", "Antoni", "Bartłomiej", "Bogdan", "Bogusław", "Cezary", "Damian",
    "Dariusz", "Dawid", "Edward", "Filip", "Grzegorz", "Henryk", "Hubert", "Ireneusz", "Jacek",
    "Jakub", "Jan", "Janusz", "Jarosław", "Jędrzej", "Jerzy", "Józef", "Kamil", "Karol",
    "Kazimierz", "Konrad", "Krzysztof", "Leszek", "Łukasz", "Maciej", "Marcin", "Marek",
    "Mariusz", "Mateusz", "Michał", "Mirosław", "Paweł", "Piotr", "Przemysław", "Radosław",
    "Rafał", "Robert", "Ryszard", "Sebastian", "Sławomir", "Stanisław", "Szymon", "Tadeusz",
    "Tomasz", "Wiesław", "Wiktor", "Witold", "Władysław", "Wojciech", "Zbigniew", "Zdzisław",
)
_FEMALE_FIRST = (
    "Agata", "Agnieszka", "Aleksandra", "Alicja", "Aneta", "Anna", "Barbara", "Beata", "Bożena",
    "Danuta", "Dominika", "Dorota", "Edyta", "Elżbieta", "Ewa", "Ewelina", "Grażyna", "Halina",
    "Hanna", "Irena", "Iwona", "Izabela", "Jadwiga", "Joanna", "Jolanta", "Julia", "Justyna",
    "Kamila", "Karolina", "Katarzyna", "Krystyna", "Lucyna", "Łucja", "Magdalena", "Małgorzata",
    "Maria", "Marta", "Monika", "Natalia", "Paulina", "Renata", "Sylwia", "Urszula", "Wanda",
    "Weronika", "Wiesława", "Zofia", "Żaneta", "Zuzanna",
)
# Old Slavic names: real, but seldom met, so they are drawn seldom.
_MALE_RARE = ("Ścibor", "Bożydar", "Mieszko", "Sambor", "Dobrogost")
_FEMALE_RARE = ("Świętosława", "Dobrosława", "Bogumiła", "Żywia", "Ludmiła")

# Masculine forms; ``_feminine`` derives the feminine one (-ski/-cki/-dzki -> -ska/-cka/-dzka,
# the others do not change: Nowak, Wójcik, Łukasiewicz).
_SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając",
    "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Nowakowski",
    "Majewski", "Olszewski", "Stępień", "Malinowski", "Jaworski", "Adamczyk", "Dudek", "Nowicki",
    "Pawlak", "Górski", "Witkowski", "Walczak", "Sikora", "Baran", "Rutkowski", "Michalak",
    "Szewczyk", "Ostrowski", "Tomaszewski", "Pietrzak", "Marciniak", "Wróblewski", "Zalewski",
    "Jakubowski", "Jasiński", "Zawadzki", "Sadowski", "Bąk", "Chmielewski", "Włodarczyk",
    "Borkowski", "Czarnecki", "Sawicki", "Sokołowski", "Urbański", "Kubiak", "Maciejewski",
    "Szczepański", "Kucharski", "Wilk", "Kalinowski", "Lis", "Mazurek", "Wysocki", "Adamski",
    "Kaźmierczak", "Wasilewski", "Sobczak", "Czerwiński", "Andrzejewski", "Cieślak", "Głowacki",
    "Zakrzewski", "Kołodziej", "Sikorski", "Krajewski", "Gajewski", "Szymczak", "Szulc",
    "Baranowski", "Laskowski", "Brzeziński", "Makowski", "Ziółkowski", "Przybylski", "Łuczak",
    "Ćwikła", "Ślusarczyk", "Żak", "Żółkiewski", "Łukasiewicz",
)


def _feminine(surname: str) -> str:
    if surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    return surname


_SURNAMES_F = tuple(_feminine(s) for s in _SURNAMES)

_POSITIONS = (  # (masculine, feminine)
    ("właściciel", "właścicielka"),
    ("prezes zarządu", "prezes zarządu"),
    ("dyrektor handlowy", "dyrektor handlowa"),
    ("kierownik zakupów", "kierowniczka zakupów"),
    ("kierownik budowy", "kierowniczka budowy"),
    ("główny księgowy", "główna księgowa"),
    ("specjalista ds. sprzedaży", "specjalistka ds. sprzedaży"),
    ("przedstawiciel handlowy", "przedstawicielka handlowa"),
    ("zaopatrzeniowiec", "specjalistka ds. zaopatrzenia"),
    ("asystent zarządu", "asystentka zarządu"),
    ("informatyk", "informatyczka"),
    ("magazynier", "magazynierka"),
    ("kierownik biura", "kierowniczka biura"),
)

# --------------------------------------------------------------------------------------------
# Places: city, lowest and highest postal code (as 5-digit ints), landline area code,
# voivodeship, weight (roughly the population in tens of thousands).

_CITIES = (
    ("Warszawa", 1, 4999, "22", "mazowieckie", 180),
    ("Kraków", 30001, 31999, "12", "małopolskie", 80),
    ("Łódź", 90001, 94999, "42", "łódzkie", 66),
    ("Wrocław", 50001, 54999, "71", "dolnośląskie", 64),
    ("Poznań", 60001, 61999, "61", "wielkopolskie", 53),
    ("Gdańsk", 80001, 80999, "58", "pomorskie", 47),
    ("Szczecin", 70001, 71999, "91", "zachodniopomorskie", 39),
    ("Bydgoszcz", 85001, 85915, "52", "kujawsko-pomorskie", 33),
    ("Lublin", 20001, 20999, "81", "lubelskie", 33),
    ("Białystok", 15001, 15999, "85", "podlaskie", 29),
    ("Katowice", 40001, 40999, "32", "śląskie", 28),
    ("Gliwice", 44100, 44164, "32", "śląskie", 17),
    ("Zabrze", 41800, 41820, "32", "śląskie", 15),
    ("Bytom", 41900, 41946, "32", "śląskie", 16),
    ("Sosnowiec", 41200, 41219, "32", "śląskie", 19),
    ("Tychy", 43100, 43143, "32", "śląskie", 12),
    ("Chorzów", 41500, 41516, "32", "śląskie", 10),
    ("Jaworzno", 43600, 43626, "32", "śląskie", 9),
    ("Mysłowice", 41400, 41412, "32", "śląskie", 7),
    ("Żory", 44240, 44251, "32", "śląskie", 6),
    ("Jastrzębie-Zdrój", 44330, 44338, "32", "śląskie", 9),
    ("Częstochowa", 42200, 42226, "34", "śląskie", 21),
    ("Bielsko-Biała", 43300, 43382, "33", "śląskie", 17),
    ("Radom", 26600, 26617, "48", "mazowieckie", 20),
    ("Płock", 9400, 9421, "24", "mazowieckie", 12),
    ("Siedlce", 8100, 8110, "25", "mazowieckie", 8),
    ("Pruszków", 5800, 5820, "22", "mazowieckie", 6),
    ("Rzeszów", 35001, 35959, "17", "podkarpackie", 20),
    ("Toruń", 87100, 87123, "56", "kujawsko-pomorskie", 20),
    ("Włocławek", 87800, 87822, "54", "kujawsko-pomorskie", 11),
    ("Grudziądz", 86300, 86311, "56", "kujawsko-pomorskie", 9),
    ("Inowrocław", 88100, 88110, "52", "kujawsko-pomorskie", 7),
    ("Kielce", 25001, 25900, "41", "świętokrzyskie", 19),
    ("Olsztyn", 10001, 10999, "89", "warmińsko-mazurskie", 17),
    ("Elbląg", 82300, 82315, "55", "warmińsko-mazurskie", 12),
    ("Ełk", 19300, 19301, "87", "warmińsko-mazurskie", 6),
    ("Opole", 45001, 45999, "77", "opolskie", 13),
    ("Zielona Góra", 65001, 65999, "68", "lubuskie", 14),
    ("Gorzów Wielkopolski", 66400, 66414, "95", "lubuskie", 12),
    ("Wałbrzych", 58300, 58316, "74", "dolnośląskie", 11),
    ("Świdnica", 58100, 58107, "74", "dolnośląskie", 6),
    ("Legnica", 59220, 59230, "76", "dolnośląskie", 10),
    ("Lubin", 59300, 59305, "76", "dolnośląskie", 7),
    ("Głogów", 67200, 67210, "76", "dolnośląskie", 7),
    ("Jelenia Góra", 58500, 58573, "75", "dolnośląskie", 8),
    ("Tarnów", 33100, 33110, "14", "małopolskie", 11),
    ("Nowy Sącz", 33300, 33310, "18", "małopolskie", 8),
    ("Koszalin", 75001, 75950, "94", "zachodniopomorskie", 11),
    ("Słupsk", 76200, 76230, "59", "pomorskie", 9),
    ("Kalisz", 62800, 62820, "62", "wielkopolskie", 10),
    ("Ostrów Wielkopolski", 63400, 63410, "62", "wielkopolskie", 7),
    ("Konin", 62500, 62510, "63", "wielkopolskie", 7),
    ("Piła", 64920, 64935, "67", "wielkopolskie", 7),
    ("Gniezno", 62200, 62210, "61", "wielkopolskie", 7),
    ("Leszno", 64100, 64110, "65", "wielkopolskie", 6),
    ("Piotrków Trybunalski", 97300, 97306, "44", "łódzkie", 7),
    ("Tomaszów Mazowiecki", 97200, 97213, "44", "łódzkie", 6),
    ("Pabianice", 95200, 95205, "42", "łódzkie", 6),
    ("Suwałki", 16400, 16404, "87", "podlaskie", 7),
    ("Łomża", 18400, 18404, "86", "podlaskie", 6),
    ("Zamość", 22400, 22407, "84", "lubelskie", 6),
)
_CITY_CUM_WEIGHTS = tuple(accumulate(c[5] for c in _CITIES))

_STREETS = (
    "ul. Mickiewicza", "ul. Słowackiego", "ul. Kościuszki", "ul. Sienkiewicza", "ul. Długa",
    "ul. Kwiatowa", "ul. Polna", "ul. Leśna", "ul. Ogrodowa", "ul. Lipowa", "ul. Szkolna",
    "ul. Brzozowa", "ul. Żeromskiego", "ul. Piłsudskiego", "ul. Reymonta", "ul. Konopnickiej",
    "ul. Wojska Polskiego", "ul. Kolejowa", "ul. Zielona", "ul. Słoneczna", "ul. Krótka",
    "ul. Parkowa", "ul. Różana", "ul. Chopina", "ul. Kopernika", "ul. Prusa", "ul. Kilińskiego",
    "ul. Okrzei", "ul. Traugutta", "ul. Wyszyńskiego", "ul. Jagiellońska", "ul. Przemysłowa",
    "ul. Fabryczna", "ul. Spółdzielcza", "ul. Łąkowa", "ul. Źródlana", "ul. Świerkowa",
    "ul. Wrzosowa", "ul. Akacjowa", "ul. Jaśminowa", "ul. Żwirki i Wigury", "ul. 3 Maja",
    "ul. 1 Maja", "ul. Grunwaldzka", "ul. Hallera", "ul. Narutowicza", "ul. Staszica",
    "ul. Modrzewiowa", "ul. Ślusarska", "ul. Rzemieślnicza", "al. Jana Pawła II",
    "al. Niepodległości", "al. Armii Krajowej", "al. Solidarności", "pl. Wolności",
    "os. Słoneczne",
)
# A few well-known streets, used now and then for their own city.
_LANDMARK_STREETS = {
    "Łódź": ("ul. Piotrkowska", "al. Kościuszki", "ul. Zgierska", "ul. Pomorska"),
    "Warszawa": ("ul. Marszałkowska", "ul. Puławska", "ul. Grójecka", "ul. Świętokrzyska"),
    "Kraków": ("ul. Floriańska", "ul. Karmelicka", "ul. Wielicka", "ul. Dietla"),
    "Gdańsk": ("ul. Ogarna", "ul. Kartuska", "al. Zwycięstwa"),
    "Wrocław": ("ul. Świdnicka", "ul. Legnicka", "ul. Ruska"),
    "Poznań": ("ul. Półwiejska", "ul. Głogowska", "ul. Garbary"),
    "Szczecin": ("al. Wyzwolenia", "ul. Jagiellońska"),
    "Lublin": ("ul. Lubartowska", "Krakowskie Przedmieście"),
    "Katowice": ("ul. Mariacka", "ul. Chorzowska"),
    "Białystok": ("ul. Lipowa", "ul. Sienkiewicza"),
}

# --------------------------------------------------------------------------------------------
# Organizations

_BRAND_HEADS = (
    "Pol", "Tech", "Bud", "Drew", "Stal", "Elektro", "Agro", "Trans", "Med", "Inter", "Eko",
    "Euro", "Hydro", "Term", "Glob", "Kop", "Met", "Auto", "Pak", "Opti", "Rol", "Inwest",
)
_BRAND_TAILS = (
    "mex", "pol", "bud", "tech", "com", "plast", "met", "trans", "med", "soft", "ex", "rem",
    "serwis", "land", "gaz", "car",
)
_BRAND_WORDS = (
    "Bilans", "Rubin", "Sokół", "Orzeł", "Jantar", "Wisła", "Pomorzanin", "Mazovia", "Silesia",
    "Śnieżka", "Żuraw", "Dąb", "Sasanka", "Bursztyn", "Kormoran", "Wawel", "Jodła", "Warta",
    "Odra", "Pilica", "Rondo", "Atut", "Impuls", "Fenix", "Optimum", "Kontur", "Promień",
)
_CRAFTS = (  # (name of the workshop, word for the domain)
    ("Zakład Ślusarski", "slusarstwo"),
    ("Zakład Stolarski", "stolarstwo"),
    ("Zakład Mechaniki Pojazdowej", "mechanika"),
    ("Zakład Elektroinstalacyjny", "elektro"),
    ("Zakład Fryzjerski", "fryzjer"),
    ("Zakład Kamieniarski", "kamieniarstwo"),
    ("Usługi Remontowo-Budowlane", "remonty"),
    ("Usługi Transportowe", "transport"),
    ("Pracownia Krawiecka", "krawiectwo"),
    ("Piekarnia", "piekarnia"),
    ("Auto-Serwis", "autoserwis"),
    ("Gabinet Stomatologiczny", "stomatolog"),
    ("Kancelaria Radcy Prawnego", "kancelaria"),
    ("Pracownia Architektoniczna", "architekt"),
)
_SHOPS = (  # prefix for "<prefix> <brand>"
    "Hurtownia Budowlana", "Hurtownia Elektryczna", "Hurtownia Spożywcza", "Hurtownia Papieru",
    "Centrum Ogrodnicze", "Skład Opału", "Drukarnia", "Salon Meblowy", "Stacja Kontroli Pojazdów",
    "Studio Reklamy", "Agencja Pracy", "Szkoła Językowa",
)
_ORG_MAILBOXES = (
    "biuro", "kontakt", "info", "sekretariat", "zamowienia", "faktury", "handlowy", "ksiegowosc",
    "office",
)

# --------------------------------------------------------------------------------------------
# Contact details

_MOBILE_PREFIXES = ("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88")
_ALL_AREA_CODES = tuple(sorted({c[3] for c in _CITIES}))
_FREEMAIL = ("gmail.com", "wp.pl", "onet.pl", "o2.pl", "interia.pl", "op.pl", "poczta.fm")
_FREEMAIL_CUM = (30, 48, 62, 74, 85, 94, 100)
_PHONE_NOTES = (
    "9–12, wew. 21", "po 16:00", "pn–pt 8–16", "wew. 104", "sekretariat", "prywatny",
    "tylko SMS", "nie dzwonić w weekendy", "centrala", "do 15:00", "wew. 12 lub 13",
)
_CUSTOM_PHONE_TYPES = ("fax", "recepcja", "magazyn", "księgowość", "serwis")
_SOURCES = ("polecenie", "strona www", "targi", "Google Ads", "Facebook", "cold call", "")
_SOURCE_CUM = (24, 44, 54, 64, 74, 82, 100)
_TAGS = (
    "VIP", "hurt", "detal", "serwis", "nowy", "budowlanka", "IT", "stały klient", "zaległości",
    "gastronomia", "transport", "przetarg", "eksport", "fakturowanie zbiorcze",
)
_DISCOUNTS = (5.0, 10.0, 12.5, 15.0)
_NOTES = (
    "Prosi o kontakt po 15:00.",
    "Zainteresowanie ofertą hurtową, wysłać aktualny cennik.",
    "Preferuje kontakt mailowy, telefonicznie trudno się dodzwonić.",
    "Spotkanie na targach w Poznaniu, umówić prezentację produktu.",
    "Zamówienie cykliczne co miesiąc, pilnować terminu dostawy.",
    "Zmiana osoby kontaktowej od stycznia, zaktualizować dane.",
    "Reklamacja zakończona pozytywnie, klient zadowolony.",
    "Płaci przelewem w terminie 14 dni, bez opóźnień.",
    "Faktura z ubiegłego miesiąca opłacona z tygodniowym opóźnieniem.",
    "Nie odbiera w piątki, najlepiej dzwonić we wtorek rano.",
    "Prosi o faktury wyłącznie w formie elektronicznej.",
    "Wysłano ofertę na dostawę materiałów, czekamy na decyzję.",
    "Kontakt z polecenia, zna naszą firmę od lat.",
    "Negocjuje rabat przy większych zamówieniach.",
    "Odbiór osobisty z magazynu, nie potrzebuje transportu.",
    "Zapytać przy następnej rozmowie o plany na kolejny kwartał.",
    "Decyzje zapadają szybko, warto dzwonić bezpośrednio.",
    "Przypomnieć o przeglądzie serwisowym za pół roku.",
    "Ma zaległą płatność, wstrzymać wysyłki do czasu uregulowania.",
    "Życzenia świąteczne wysłane, podziękowania przez telefon.",
)

_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)

_HOURS = tuple(f"{h:02d}:" for h in range(24))
_MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}+00:00" for m in range(60) for s in range(60))

# The draws below use only ``random.Random(seed).random`` (one call = one float): much cheaper
# than ``choice``/``randrange``/``choices``, and as reproducible.
_Draw = Callable[[], float]


def _pick(rnd: _Draw, seq: Sequence[_T]) -> _T:
    return seq[int(rnd() * len(seq))]


def _between(rnd: _Draw, low: int, high: int) -> int:
    """An int in [low, high)."""
    return low + int(rnd() * (high - low))


def _weighted(rnd: _Draw, values: Sequence[_T], cum_weights: Sequence[float]) -> _T:
    return values[bisect_right(cum_weights, rnd() * cum_weights[-1])]


def _fold(text: str) -> str:
    """Lowercase ASCII for e-mail addresses and domains: "Łukasz Wójcik" -> "lukasz wojcik"."""
    return text.translate(_FOLD).lower()


def _slug(text: str) -> str:
    """Only the letters and digits of ``_fold(text)``: "Wiśniewska" -> "wisniewska"."""
    slug = _SLUGS.get(text)
    if slug is None:
        slug = _SLUGS[text] = "".join(ch for ch in _fold(text) if ch.isalnum())
    return slug


# Names and words come from the fixed vocabularies above, so this stays small.
_SLUGS: dict[str, str] = {}


def _nip(rnd: _Draw) -> str:
    """Ten digits whose last is the weighted check digit; drawn again when that would be 10."""
    while True:
        body = str(_between(rnd, 100_000_000, 1_000_000_000))  # a tax office code never starts with 0
        check = sum(w * int(d) for w, d in zip(_NIP_WEIGHTS, body)) % 11
        if check != 10:
            return body + str(check)


def _regon(rnd: _Draw) -> str:
    """A nine-digit REGON, starting with a (pre-1999, odd) voivodeship code 01, 03, ... 97."""
    body = f"{2 * _between(rnd, 0, 49) + 1:02d}{_between(rnd, 0, 1_000_000):06d}"
    check = sum(w * int(d) for w, d in zip(_REGON_WEIGHTS, body)) % 11 % 10
    return body + str(check)


def generate_contacts(
    count: int,
    seed: int = 2026,
    operators: Sequence[str] = DEMO_OPERATORS,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """``count`` sample contacts as ``Contact.to_doc()`` documents, the same for the same arguments.

    About 70 % persons and 30 % organizations. ``operators`` (login names) appear as account
    managers, note authors and in created_by/updated_by. Timestamps are ISO 8601 UTC strings
    ("2025-03-04T10:11:12+00:00") within the ~3 years before ``now`` (default ``DEMO_NOW``; a
    naive ``now`` is taken as UTC); consents carry ISO dates ("2025-03-04").

    The cyclic garbage collector is paused while the contacts are made (and restored after).
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    operators = tuple(operators)
    if not operators:
        raise ValueError("at least one operator is needed")
    if now is None:
        now = DEMO_NOW
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC).replace(microsecond=0)
    rnd: _Draw = random.Random(seed).random
    # Nothing made here can form a reference cycle, so the cyclic collector would only rescan the
    # growing list again and again (about 40 % of the time for 100,000 contacts).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(count, rnd, operators, now)
    finally:
        if collecting:
            gc.enable()


def _generate(count: int, rnd: _Draw, operators: tuple[str, ...], now: datetime) -> list[dict[str, Any]]:
    midnight = now.replace(hour=0, minute=0, second=0)
    now_ts = int(now.timestamp())
    midnight_ts = int(midnight.timestamp())
    first_ts = midnight_ts - _HISTORY_DAYS * _DAY  # midnight of the oldest day a time can fall on
    day_prefixes = [
        f"{(midnight - timedelta(days=_HISTORY_DAYS - i)).date().isoformat()}T"
        for i in range(_HISTORY_DAYS + 1)
    ]

    def stamp(ts: int) -> str:  # == datetime.fromtimestamp(ts, UTC).isoformat(), faster
        day, second = divmod(ts - first_ts, _DAY)
        hour, rest = divmod(second, 3600)
        return day_prefixes[day] + _HOURS[hour] + _MINUTES_SECONDS[rest]

    def pick(seq: Sequence[_T]) -> _T:
        return seq[int(rnd() * len(seq))]

    def between(low: int, high: int) -> int:
        return low + int(rnd() * (high - low))

    def weighted(values: Sequence[_T], cum_weights: Sequence[float]) -> _T:
        return values[bisect_right(cum_weights, rnd() * cum_weights[-1])]

    def working_time(days_back: int) -> int:
        """A moment ``days_back`` days before today, 7:00-17:59 UTC (office hours in Poland),
        but never later than ``now``."""
        ts = midnight_ts - days_back * _DAY + between(7 * 3600, 18 * 3600)
        return ts if ts <= now_ts else between(midnight_ts, now_ts + 1)

    def landline(area: str) -> str:
        return f"+48{area}{between(2_000_000, 10_000_000)}"  # a subscriber number never starts with 0/1

    def mobile() -> str:
        return f"+48{pick(_MOBILE_PREFIXES)}{between(0, 10_000_000):07d}"

    def address(person: bool) -> tuple[dict[str, str], tuple[Any, ...]]:
        city = weighted(_CITIES, _CITY_CUM_WEIGHTS)
        landmarks = _LANDMARK_STREETS.get(city[0])
        street = pick(landmarks) if landmarks and rnd() < 0.3 else pick(_STREETS)
        number = str(between(1, 120 if rnd() < 0.8 else 300))
        if rnd() < 0.12:
            number += pick("ABC")
        if rnd() < (0.6 if person else 0.15):  # a flat or an office number
            number += f"/{between(1, 80)}"
        code = between(city[1], city[2] + 1)
        return {
            "street": f"{street} {number}",
            "postal_code": f"{code // 1000:02d}-{code % 1000:03d}",
            "city": city[0],
            "country": "PL",
        }, city

    docs: list[dict[str, Any]] = []
    for _ in range(count):
        is_person = rnd() < 0.7

        # --- when and by whom; notes below may move updated_at later
        created_days = between(1, _HISTORY_DAYS + 1)
        created_ts = working_time(created_days)
        if rnd() < 0.55:
            updated_ts = created_ts
        else:
            updated_ts = working_time(between(0, created_days))
        created_by = pick(operators)
        updated_by = created_by if updated_ts == created_ts else pick(operators)

        # --- identity
        first_name = last_name = position = name = nip = regon = domain = ""
        if is_person:
            female = rnd() < 0.5
            if female:
                first_name = pick(_FEMALE_RARE) if rnd() < 0.02 else pick(_FEMALE_FIRST)
                last_name = pick(_SURNAMES_F)
            else:
                first_name = pick(_MALE_RARE) if rnd() < 0.02 else pick(_MALE_FIRST)
                last_name = pick(_SURNAMES)
            if rnd() < 0.4:
                position = pick(_POSITIONS)[female]
            supplier = rnd() < 0.03
        else:
            name, domain = _organization_name(rnd)
            nip = _nip(rnd)
            if rnd() < 0.6:
                regon = _regon(rnd)
            supplier = rnd() < 0.15
            tld = rnd()
            domain += ".pl" if tld < 0.75 else ".com.pl" if tld < 0.95 else ".eu"

        # --- addresses; landlines take the area code of the first one's city
        addresses = []
        area = region = ""
        for _a in range(weighted((0, 1, 2), (25, 85, 100) if is_person else (5, 75, 100))):
            addr, city = address(is_person)
            addresses.append(addr)
            if not area:
                area, region = city[3], city[4]
        if not area:
            area = pick(_ALL_AREA_CODES)

        # --- phones
        phones = []
        for i in range(weighted((1, 2, 3), (60, 90, 100))):
            p = rnd()
            if is_person:
                kind = "mobile" if i == 0 or p < 0.55 else "home" if p < 0.75 else "work"
            else:
                kind = "work" if (i == 0 and p < 0.6) or p < 0.4 else "mobile"
            if rnd() < 0.03:
                kind = pick(_CUSTOM_PHONE_TYPES)
            is_mobile = kind == "mobile" or (kind == "work" and rnd() < 0.4)
            number = mobile() if is_mobile else landline(area)
            if any(ph["number"] == number for ph in phones):
                continue
            phones.append({
                "number": number,
                "type": kind,
                "note": pick(_PHONE_NOTES) if rnd() < 0.15 else "",
                # messengers need a mobile
                "whatsapp": is_mobile and rnd() < 0.45,
                "viber": is_mobile and rnd() < 0.15,
                "sms": is_mobile and rnd() < 0.7,
            })

        # --- tags
        tags: list[str] = []
        for _t in range(weighted((0, 1, 2, 3), (35, 70, 90, 100))):
            tag = pick(_TAGS)
            if tag == "nowy" and created_days > 120:
                continue
            if tag not in tags:
                tags.append(tag)
        if region and rnd() < 0.2:
            tags.append(region)

        # --- notes, oldest first, each later than the creation
        notes = []
        n_notes = weighted((0, 1, 2), (80, 96, 100))
        for days in sorted((between(0, created_days) for _n in range(n_notes)), reverse=True):
            at = working_time(days)
            notes.append({"text": pick(_NOTES), "author": pick(operators), "at": stamp(at)})
            if at > updated_ts:
                updated_ts = at
                updated_by = notes[-1]["author"]

        # --- consents: channel -> the date it was given (at creation, or between then and the
        # last update); None = asked and refused
        consents: dict[str, str | None] = {}
        for channel in ("email", "sms", "phone"):
            c = rnd()
            if c < 0.35:
                given = created_ts if rnd() < 0.7 else between(created_ts, updated_ts + 1)
                consents[channel] = stamp(given)[:10]
            elif c < 0.5:
                consents[channel] = None
        email_consent = bool(consents.get("email"))

        # --- e-mails
        emails = []
        for i in range(weighted((0, 1, 2), (20, 80, 100) if is_person else (10, 75, 100))):
            if is_person:
                email = _person_email(rnd, first_name, last_name)
            elif i == 0 or rnd() < 0.6:
                email = f"{pick(_ORG_MAILBOXES)}@{domain}"
            elif rnd() < 0.5:  # an employee's own mailbox at the company domain
                email = _person_email(rnd, pick(_FEMALE_FIRST), pick(_SURNAMES_F), domain)
            else:
                email = _person_email(rnd, pick(_MALE_FIRST), pick(_SURNAMES), domain)
            if any(e["address"] == email for e in emails):
                continue
            emails.append({"address": email, "consent": email_consent and (i == 0 or rnd() < 0.5)})

        d = rnd()
        discount = 0.0 if d < 0.8 else _DISCOUNTS[int((d - 0.8) * 20)]

        docs.append(compact_doc({
            "kind": "person" if is_person else "organization",
            "first_name": first_name,
            "last_name": last_name,
            "position": position,
            "name": name,
            "nip": nip,
            "regon": regon,
            "supplier": supplier,
            "phones": phones,
            "emails": emails,
            "addresses": addresses,
            "account_manager": pick(operators),
            "source": weighted(_SOURCES, _SOURCE_CUM),
            "consents": consents,
            "tags": tags,
            "notes": notes,
            "discount": discount,
            "version": 1,
            "created_at": stamp(created_ts),
            "created_by": created_by,
            "updated_at": stamp(updated_ts),
            "updated_by": updated_by,
            "deleted_at": None,
            "deleted_by": None,
        }))
    return docs


def _person_email(rnd: _Draw, first: str, last: str, domain: str = "") -> str:
    """A mailbox made of the (ASCII-folded) names, at a free-mail domain unless one is given."""
    f, l = _slug(first), _slug(last)  # noqa: E741
    pattern = int(rnd() * 7)
    if pattern == 0:
        local = f"{f}.{l}"
    elif pattern == 1:
        local = f"{f}{l}"
    elif pattern == 2:
        local = f"{f[0]}{l}"
    elif pattern == 3:
        local = f"{l}.{f}"
    elif pattern == 4:  # often a birth year
        local = f"{f}.{l}{_between(rnd, 60, 100) if rnd() < 0.7 else _between(rnd, 1, 100)}"
    elif pattern == 5:
        local = f"{f[0]}.{l}"
    else:
        local = f"{f}_{l}"
    if not domain:
        if rnd() < 0.1:  # the person's workplace
            domain = _slug(_brand(rnd)) + ".pl"
        else:
            domain = _weighted(rnd, _FREEMAIL, _FREEMAIL_CUM)
    return f"{local}@{domain}"


def _brand(rnd: _Draw) -> str:
    if rnd() < 0.6:
        return _pick(rnd, _BRAND_HEADS) + _pick(rnd, _BRAND_TAILS)
    return _pick(rnd, _BRAND_WORDS)


def _organization_name(rnd: _Draw) -> tuple[str, str]:
    """A company name and the stem of its web domain (without the top-level part)."""
    female = rnd() < 0.35  # of the owner, for the names of sole traders
    first = _pick(rnd, _FEMALE_FIRST if female else _MALE_FIRST)
    last = _pick(rnd, _SURNAMES_F if female else _SURNAMES)
    owner = f"{first} {last}"
    t = rnd()
    if t < 0.22:
        brand = _brand(rnd)
        return brand + (" Sp. z o.o. Sp.k." if rnd() < 0.08 else " Sp. z o.o."), _slug(brand)
    if t < 0.28:
        brand = _brand(rnd)
        return f"{brand} S.A.", _slug(brand)
    if t < 0.38:  # partnerships are named after the partners, in the masculine form
        family, other = _masculine(last), _pick(rnd, _SURNAMES)
        s = rnd()
        if s < 0.4:
            return f"{family} i Syn Spółka Jawna", f"{_slug(family)}isyn"
        if s < 0.7:
            return f"{family}, {other} Spółka Jawna", f"{_slug(family)}-{_slug(other)}"
        brand = _brand(rnd)
        return f"P.P.H.U. „{brand}” {family}, {other} Spółka Jawna", _slug(brand)
    if t < 0.52:
        if rnd() < 0.6:
            return f"Przedsiębiorstwo Handlowe {owner}", f"ph-{_slug(last)}"
        brand = _brand(rnd)
        return f"Przedsiębiorstwo Handlowo-Usługowe „{brand}” {owner}", f"phu-{_slug(brand)}"
    if t < 0.72:
        craft, word = _pick(rnd, _CRAFTS)
        return (f"{craft} {owner}" if rnd() < 0.75 else f"{craft} {last}"), f"{word}-{_slug(last)}"
    if t < 0.82:
        if rnd() < 0.6:
            return f"Biuro Rachunkowe {owner}", f"br-{_slug(last)}"
        word = _pick(rnd, _BRAND_WORDS)
        return f"Biuro Rachunkowe „{word}”", f"biuro-{_slug(word)}"
    if t < 0.9:
        brand = _brand(rnd)
        return f"P.H.U. {brand} {owner}", _slug(brand)
    brand, shop = _brand(rnd), _pick(rnd, _SHOPS)
    return f"{shop} {brand}", f"{_slug(shop.split()[0])}-{_slug(brand)}"


def _masculine(surname: str) -> str:
    """"Kowalska" -> "Kowalski" (family firm names use the masculine form); others unchanged."""
    if surname.endswith(("ska", "cka", "dzka")):
        return surname[:-1] + "i"
    return surname
