"""Place names a posting's location may use: countries, US states, Canadian provinces, big cities.

Compact tables instead of a dependency or a download. Every ISO 3166-1 alpha-2 code is here with its
common English name first, then the spellings employers paste in: ISO's formal names ("Congo, The
Democratic Republic of the", "Virgin Islands, British"), native names ("Deutschland", "México"),
abbreviations ("USA", "U.K."). The second column is a coarse region (EU Europe, ME Middle East,
AS rest of Asia, AF Africa, NA US/Canada, LA Latin America and the Caribbean, OC Oceania, AN
Antarctic): it decides which countries each region ("Europe", "LATAM", ...) covers.

Lookups take folded keys (see `fold`): lower case, no accents, one kind of apostrophe.
"""

from __future__ import annotations

import unicodedata

_COUNTRIES = """
AD EU Andorra
AE ME United Arab Emirates|UAE|U.A.E.
AF ME Afghanistan
AG LA Antigua and Barbuda
AI LA Anguilla
AL EU Albania
AM AS Armenia
AO AF Angola
AQ AN Antarctica
AR LA Argentina
AS OC American Samoa
AT EU Austria|Österreich
AU OC Australia
AW LA Aruba
AX EU Åland Islands
AZ AS Azerbaijan
BA EU Bosnia and Herzegovina|Bosnia
BB LA Barbados
BD AS Bangladesh
BE EU Belgium|België|Belgique
BF AF Burkina Faso
BG EU Bulgaria
BH ME Bahrain
BI AF Burundi
BJ AF Benin
BL LA Saint Barthélemy
BM NA Bermuda
BN AS Brunei|Brunei Darussalam
BO LA Bolivia|Bolivia, Plurinational State of
BQ LA Caribbean Netherlands|Bonaire, Sint Eustatius and Saba|Bonaire
BR LA Brazil|Brasil
BS LA Bahamas|The Bahamas
BT AS Bhutan
BV AN Bouvet Island
BW AF Botswana
BY EU Belarus
BZ LA Belize
CA NA Canada|CAN
CC OC Cocos (Keeling) Islands|Cocos Islands
CD AF Democratic Republic of the Congo|Congo, The Democratic Republic of the|DR Congo|DRC
CF AF Central African Republic
CG AF Republic of the Congo|Congo
CH EU Switzerland|Schweiz|Suisse|Svizzera
CI AF Côte d'Ivoire|Ivory Coast
CK OC Cook Islands
CL LA Chile
CM AF Cameroon
CN AS China|People's Republic of China|PRC
CO LA Colombia
CR LA Costa Rica
CU LA Cuba
CV AF Cabo Verde|Cape Verde
CW LA Curaçao
CX OC Christmas Island
CY EU Cyprus
CZ EU Czechia|Czech Republic|Česko
DE EU Germany|Deutschland
DJ AF Djibouti
DK EU Denmark|Danmark
DM LA Dominica
DO LA Dominican Republic
DZ AF Algeria
EC LA Ecuador
EE EU Estonia
EG AF Egypt
EH AF Western Sahara
ER AF Eritrea
ES EU Spain|España
ET AF Ethiopia
FI EU Finland|Suomi
FJ OC Fiji
FK LA Falkland Islands|Malvinas
FM OC Micronesia|Micronesia, Federated States of
FO EU Faroe Islands
FR EU France
GA AF Gabon
GB EU United Kingdom|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|GBR
GD LA Grenada
GE AS Georgia
GF LA French Guiana
GG EU Guernsey
GH AF Ghana
GI EU Gibraltar
GL NA Greenland
GM AF Gambia|The Gambia
GN AF Guinea
GP LA Guadeloupe
GQ AF Equatorial Guinea
GR EU Greece|Hellas
GS AN South Georgia and the South Sandwich Islands
GT LA Guatemala
GU OC Guam
GW AF Guinea-Bissau
GY LA Guyana
HK AS Hong Kong|Hong Kong SAR
HM AN Heard Island and McDonald Islands
HN LA Honduras
HR EU Croatia|Hrvatska
HT LA Haiti
HU EU Hungary|Magyarország
ID AS Indonesia
IE EU Ireland|Republic of Ireland|Éire
IL ME Israel
IM EU Isle of Man
IN AS India
IO AS British Indian Ocean Territory
IQ ME Iraq
IR ME Iran|Iran, Islamic Republic of
IS EU Iceland
IT EU Italy|Italia
JE EU Jersey
JM LA Jamaica
JO ME Jordan
JP AS Japan
KE AF Kenya
KG AS Kyrgyzstan
KH AS Cambodia
KI OC Kiribati
KM AF Comoros
KN LA Saint Kitts and Nevis
KP AS North Korea|Korea, Democratic People's Republic of
KR AS South Korea|Korea|Korea, Republic of|Republic of Korea
KW ME Kuwait
KY LA Cayman Islands
KZ AS Kazakhstan
LA AS Laos|Lao People's Democratic Republic|Lao PDR
LB ME Lebanon
LC LA Saint Lucia
LI EU Liechtenstein
LK AS Sri Lanka
LR AF Liberia
LS AF Lesotho
LT EU Lithuania
LU EU Luxembourg
LV EU Latvia
LY AF Libya
MA AF Morocco
MC EU Monaco
MD EU Moldova|Moldova, Republic of|Republic of Moldova
ME EU Montenegro
MF LA Saint Martin
MG AF Madagascar
MH OC Marshall Islands
MK EU North Macedonia|Macedonia
ML AF Mali
MM AS Myanmar|Burma
MN AS Mongolia
MO AS Macao|Macau
MP OC Northern Mariana Islands
MQ LA Martinique
MR AF Mauritania
MS LA Montserrat
MT EU Malta
MU AF Mauritius
MV AS Maldives
MW AF Malawi
MX LA Mexico|México|MEX
MY AS Malaysia
MZ AF Mozambique
NA AF Namibia
NC OC New Caledonia
NE AF Niger
NF OC Norfolk Island
NG AF Nigeria
NI LA Nicaragua
NL EU Netherlands|The Netherlands|Holland|Nederland
NO EU Norway|Norge
NP AS Nepal
NR OC Nauru
NU OC Niue
NZ OC New Zealand|Aotearoa
OM ME Oman
PA LA Panama|Panamá
PE LA Peru|Perú
PF OC French Polynesia
PG OC Papua New Guinea
PH AS Philippines|The Philippines
PK AS Pakistan
PL EU Poland|Polska
PM NA Saint Pierre and Miquelon
PN OC Pitcairn|Pitcairn Islands
PR LA Puerto Rico
PS ME Palestine|Palestine, State of|Palestinian Territories
PT EU Portugal
PW OC Palau
PY LA Paraguay
QA ME Qatar
RE AF Réunion
RO EU Romania|România
RS EU Serbia|Srbija
RU EU Russia|Russian Federation
RW AF Rwanda
SA ME Saudi Arabia|KSA
SB OC Solomon Islands
SC AF Seychelles
SD AF Sudan
SE EU Sweden|Sverige
SG AS Singapore
SH AF Saint Helena|Saint Helena, Ascension and Tristan da Cunha
SI EU Slovenia
SJ EU Svalbard and Jan Mayen
SK EU Slovakia|Slovak Republic
SL AF Sierra Leone
SM EU San Marino
SN AF Senegal
SO AF Somalia
SR LA Suriname
SS AF South Sudan
ST AF Sao Tome and Principe
SV LA El Salvador
SX LA Sint Maarten
SY ME Syria|Syrian Arab Republic
SZ AF Eswatini|Swaziland
TC LA Turks and Caicos Islands
TD AF Chad
TF AN French Southern Territories
TG AF Togo
TH AS Thailand
TJ AS Tajikistan
TK OC Tokelau
TL AS Timor-Leste|East Timor
TM AS Turkmenistan
TN AF Tunisia
TO OC Tonga
TR EU Turkey|Türkiye
TT LA Trinidad and Tobago
TV OC Tuvalu
TW AS Taiwan|Taiwan, Province of China
TZ AF Tanzania|Tanzania, United Republic of
UA EU Ukraine
UG AF Uganda
UM OC United States Minor Outlying Islands
US NA United States|United States of America|USA|U.S.A.|US|U.S.|America
UY LA Uruguay
UZ AS Uzbekistan
VA EU Vatican City|Holy See|Vatican
VC LA Saint Vincent and the Grenadines
VE LA Venezuela|Venezuela, Bolivarian Republic of
VG LA British Virgin Islands|Virgin Islands, British
VI LA U.S. Virgin Islands|Virgin Islands, U.S.|US Virgin Islands
VN AS Vietnam|Viet Nam
VU OC Vanuatu
WF OC Wallis and Futuna
WS OC Samoa
YE ME Yemen
YT AF Mayotte
ZA AF South Africa|RSA
ZM AF Zambia
ZW AF Zimbabwe
"""

_US_STATES = """
AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware
FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky
LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi
MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico
NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania
RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont
VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming|DC District of Columbia
"""
_CA_PROVINCES = """
AB Alberta|BC British Columbia|MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador
NS Nova Scotia|NT Northwest Territories|NU Nunavut|ON Ontario|PE Prince Edward Island
QC Quebec|SK Saskatchewan|YT Yukon
"""
# regions below country level that name no city: country code, names
_SUBDIVISIONS = """
AU New South Wales|NSW|Queensland|Western Australia|South Australia|Tasmania
BR State of São Paulo|Espírito Santo|Minas Gerais|Santa Catarina|Rio Grande do Sul|Paraná
DE Bavaria|Bayern|Baden-Württemberg|North Rhine-Westphalia
ES Catalonia|Cataluña|Community of Madrid|Andalusia
GR Attica|Central Macedonia
IN Karnataka|Maharashtra|Telangana|Tamil Nadu|Haryana|Uttar Pradesh|Kerala|Gujarat|West Bengal
PH Metro Manila|Central Visayas|Calabarzon
PL Masovian Voivodeship|Lesser Poland Voivodeship|Lower Silesian Voivodeship|Silesian Voivodeship
PL Pomeranian Voivodeship|Greater Poland Voivodeship|Łódź Voivodeship
RO Cluj County|Ilfov
RS Vojvodina
US Bay Area|San Francisco Bay Area|SF Bay Area|Silicon Valley|DC Metro Area|Tri-State Area
"""
# cities: country code, then cities separated by "|", each "Display=alias=alias"
_CITIES = """
US New York=NYC=New York City=New York City Metropolitan Area|San Francisco=SF=San Fran
US Washington, D.C.=Washington DC=Washington D.C.=Washington, DC|Seattle|Austin|Boston|Chicago
US Los Angeles|San Jose|Palo Alto|Mountain View|Sunnyvale|Santa Clara|Menlo Park|Redwood City
US Oakland
US Berkeley|San Mateo|Cupertino|Los Gatos|Pleasanton|San Diego|Irvine|Costa Mesa|Santa Monica
US Sacramento
US Denver|Boulder|Colorado Springs|Portland|Atlanta|Alpharetta|Miami|Tampa|Orlando|Jacksonville
US Dallas|Houston|San Antonio
US Plano|Irving|Phoenix|Scottsdale|Tempe|Tucson|Salt Lake City=Salt Lake|Lehi|Pittsburgh
US Philadelphia|Raleigh
US Durham|Charlotte|Nashville|Memphis|Minneapolis|Detroit|Columbus|Cincinnati|Cleveland|Bellevue
US Redmond|Kirkland|Tacoma|Baltimore|Reston|McLean|Arlington|Richmond|Virginia Beach
US St. Louis=St Louis
US Kansas City|Omaha|Indianapolis|Louisville|Oklahoma City|New Orleans|Las Vegas|Honolulu|Madison
US Milwaukee|Des Moines|Providence|Hartford|Jersey City|Englewood Cliffs|Ann Arbor
CA Toronto|Vancouver|Montreal=Montréal|Ottawa|Calgary|Edmonton|Waterloo|Kitchener|Mississauga
CA Quebec City=Québec City|Winnipeg|Halifax
GB London|Manchester|Edinburgh|Glasgow|Bristol|Oxford|Leeds|Birmingham|Belfast|Cardiff|Gateshead
GB Brighton|Newcastle|Liverpool|Sheffield|Nottingham
IE Dublin|Cork|Galway
DE Berlin|Munich=München|Hamburg|Frankfurt|Cologne=Köln|Stuttgart|Düsseldorf=Duesseldorf|Leipzig
DE Karlsruhe
FR Paris|Lyon|Toulouse|Nantes|Bordeaux|Lille|Marseille|Grenoble
NL Amsterdam|Rotterdam|Utrecht|The Hague|Eindhoven|Delft
BE Brussels|Antwerp|Ghent
CH Zurich=Zürich|Geneva|Basel|Lausanne|Bern
AT Vienna=Wien|Graz
ES Madrid|Barcelona|Valencia|Seville=Sevilla|Málaga|Bilbao
PT Lisbon=Lisboa|Porto|Braga|Coimbra
IT Milan=Milano|Rome=Roma|Turin=Torino|Bologna|Florence
SE Stockholm|Gothenburg=Göteborg|Malmö
DK Copenhagen=København|Aarhus
NO Oslo
FI Helsinki|Espoo|Tampere
PL Warsaw=Warszawa|Kraków=Krakow=Cracow|Wrocław|Gdańsk|Poznań|Łódź|Katowice
CZ Prague=Praha|Brno
HU Budapest|Debrecen|Szeged|Pécs
RO Bucharest=București|Cluj-Napoca=Cluj|Iași|Timișoara|Brașov
BG Sofia
RS Belgrade=Beograd|Novi Sad
HR Zagreb
SI Ljubljana
SK Bratislava
GR Athens|Thessaloniki
UA Kyiv=Kiev=Kyiv city|Lviv|Kharkiv|Odesa=Odessa|Dnipro
EE Tallinn|Tartu
LV Riga
LT Vilnius|Kaunas
MD Chișinău
BY Minsk
RU Moscow|Saint Petersburg=St. Petersburg
TR Istanbul|Ankara|Izmir
CY Limassol|Nicosia
GE Tbilisi
AM Yerevan
IL Tel Aviv=Tel Aviv-Yafo|Jerusalem|Haifa
AE Dubai|Abu Dhabi
SA Riyadh|Jeddah
QA Doha
EG Cairo
JO Amman
LB Beirut
NG Lagos|Abuja
KE Nairobi
ZA Cape Town|Johannesburg
GH Accra
RW Kigali
MA Casablanca
IN Bengaluru=Bangalore|Mumbai=Bombay|Delhi|New Delhi|Gurugram=Gurgaon|Noida|Hyderabad|Chennai|Pune
IN Kolkata|Ahmedabad|Jaipur|Kochi|Chandigarh|Coimbatore|Indore|Thiruvananthapuram=Trivandrum
PK Karachi|Lahore|Islamabad
BD Dhaka
LK Colombo
NP Kathmandu
MY Kuala Lumpur
ID Jakarta|Bandung
TH Bangkok
VN Ho Chi Minh City=Ho Chi Minh=Saigon|Hanoi=Ha Noi|Da Nang=Da Nang City
PH Manila|Quezon City|Makati|Taguig|Pasig|Cebu=Cebu City
TW Taipei=Taipei City
KR Seoul
JP Tokyo|Osaka|Kyoto|Fukuoka
CN Beijing|Shanghai|Shenzhen|Hangzhou|Guangzhou
UZ Tashkent
KZ Almaty|Astana
KG Bishkek
AZ Baku
AU Sydney|Melbourne|Brisbane|Perth|Adelaide|Canberra
NZ Auckland|Wellington|Christchurch
BR São Paulo|Rio de Janeiro|Belo Horizonte|Curitiba|Porto Alegre|Florianópolis|Recife|Campinas
BR Vitória
AR Buenos Aires|Córdoba|Rosario|Mendoza
CL Santiago
CO Bogotá|Medellín|Cali|Barranquilla
PE Lima
MX Mexico City=Ciudad de México=CDMX|Guadalajara|Monterrey
UY Montevideo
EC Quito
CR Heredia
SV San Salvador
GT Guatemala City
PA Panama City
"""
# Each line: the coarse region codes a region covers, then its names. The first name of the first
# line with a given set of codes is the region's canonical name ("Europe", "EMEA", "LATAM", ...);
# every other name on such lines is an alias of it. Sub-regions ("DACH", "Nordics", "Western
# Europe", "South America") have no table of their own: they read as their coarse region.
_REGION_NAMES = """
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


def fold(text: str) -> str:
    """Lower case without accents, keeping the length: positions in folded text match the raw."""
    out = []
    for char in text.translate(_UNDECOMPOSABLE):
        base = unicodedata.normalize("NFKD", char)[0].lower()
        out.append(base if len(base) == 1 else char)
    return "".join(out)


_UNDECOMPOSABLE = str.maketrans("łŁøØđĐı’", "llooddi'")  # letters NFKD keeps whole; one char each


def _rows(table: str) -> list[tuple[str, list[str]]]:
    """("CODE", [names]) per line, or per `|`-separated "CODE name" item for the state tables."""
    return [(line[:2], line[3:].split("|")) for line in table.strip().splitlines()]


COUNTRY_NAMES: dict[str, str] = {}  # code -> display name
COUNTRY_REGION: dict[str, str] = {}  # code -> region code
COUNTRY_ALIASES: dict[str, str] = {}  # folded name -> code
for _code, _names in _rows(_COUNTRIES):
    _region, _names[0] = _names[0].split(" ", 1)
    COUNTRY_NAMES[_code], COUNTRY_REGION[_code] = _names[0], _region
    for _name in _names:
        COUNTRY_ALIASES[fold(_name)] = _code
        if " and " in _name:
            COUNTRY_ALIASES[fold(_name.replace(" and ", " & "))] = _code
        if _name.startswith("Saint "):
            COUNTRY_ALIASES[fold("St. " + _name[6:])] = COUNTRY_ALIASES[fold("St " + _name[6:])] = (
                _code
            )

US_STATES: dict[str, str] = {}  # abbreviation -> name
CA_PROVINCES: dict[str, str] = {}
for _table, _target in ((_US_STATES, US_STATES), (_CA_PROVINCES, CA_PROVINCES)):
    for _item in _table.strip().replace("\n", "|").split("|"):
        _abbr, _name = _item.strip().split(" ", 1)
        _target[_abbr] = _name

SUBDIVISIONS: dict[str, str] = {}  # folded name -> country code (states, provinces, areas)
SUBDIVISIONS.update({fold(name): "US" for name in US_STATES.values()})
SUBDIVISIONS.update({fold(name): "CA" for name in CA_PROVINCES.values()})
for _code, _names in _rows(_SUBDIVISIONS):
    SUBDIVISIONS.update({fold(name): _code for name in _names})

CITIES: dict[str, tuple[str, str]] = {}  # folded name -> (display name, country code)
for _code, _entries in _rows(_CITIES):
    for _entry in _entries:
        _aliases = _entry.split("=")
        CITIES.update({fold(alias): (_aliases[0], _code) for alias in _aliases})

REGION_NAMES: dict[str, str] = {}  # folded name or alias -> canonical name ("amer" -> "Americas")
REGION_COUNTRIES: dict[str, tuple[str, ...]] = {}  # canonical name -> its ISO codes, sorted
_canonical: dict[frozenset[str], str] = {}  # coarse region codes -> canonical name
for _line in _REGION_NAMES.strip().splitlines():
    _codes, _rest = _line.split(" ", 1)
    _areas = frozenset(_codes.split(","))
    _names = _rest.split("|")
    _region = _canonical.setdefault(_areas, _names[0])
    REGION_COUNTRIES[_region] = tuple(sorted(c for c, a in COUNTRY_REGION.items() if a in _areas))
    REGION_NAMES.update({fold(_name): _region for _name in _names})
