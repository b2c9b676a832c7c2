"""The static sample data behind the demo store's customers: names, streets and cities by country.

Everything here is plain data; :mod:`app.demo_store.seed` draws from it. Strings that contain
random parts are *patterns*, filled in by the seeder one character at a time:

* ``#`` any digit, ``%`` a digit from 1 to 9 (so numbers never start with 0 where that matters),
* ``@`` a letter from the locale's ``letters``, ``$`` such a letter or a digit;
* every other character is kept as written.

State codes are WooCommerce's own (``i18n/states.php``); countries for which WooCommerce ships no
states (DE, FR, GB, NL, PL, PT, SE) keep the state empty. Phone numbers use the ranges set aside
for fiction where a country has them (US/CA 555-01xx, Ofcom's drama numbers for GB, ACMA's for
AU, ARCEP's for FR), so the sample data never dials a real subscriber.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class City(NamedTuple):
    """A city with the state code, postcode pattern and landline pattern that go with it."""

    name: str
    state: str
    postcode: str
    phone: str


class Locale(NamedTuple):
    """Sample data for customers living in one country."""

    country: str
    #: Relative share of the store's customers.
    weight: int
    #: Alphabet for ``@`` in patterns (postcode letters differ from country to country).
    letters: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    #: ``str.format`` template with ``{number}`` and ``{street}``.
    street_format: str
    house_numbers: tuple[str, ...]
    address_2: tuple[str, ...]
    mobiles: tuple[str, ...]
    #: ``str.format`` templates with ``{last}`` (a surname of the same country).
    companies: tuple[str, ...]


#: WooCommerce's state codes (with their names) for the states the cities below lie in; an empty
#: mapping means WooCommerce ships no states for that country and the state stays empty.
STATES: Mapping[str, Mapping[str, str]] = {
    "US": {
        "CA": "California",
        "CO": "Colorado",
        "FL": "Florida",
        "GA": "Georgia",
        "IL": "Illinois",
        "MA": "Massachusetts",
        "NY": "New York",
        "OR": "Oregon",
        "TX": "Texas",
        "WA": "Washington",
    },
    "CA": {
        "AB": "Alberta",
        "BC": "British Columbia",
        "MB": "Manitoba",
        "NS": "Nova Scotia",
        "ON": "Ontario",
        "QC": "Quebec",
    },
    "GB": {},
    "DE": {},
    "FR": {},
    "ES": {
        "B": "Barcelona",
        "BI": "Biscay",
        "M": "Madrid",
        "MA": "Málaga",
        "PM": "Baleares",
        "SE": "Sevilla",
        "V": "Valencia",
        "Z": "Zaragoza",
    },
    "IT": {
        "BO": "Bologna",
        "FI": "Firenze",
        "GE": "Genova",
        "MI": "Milano",
        "NA": "Napoli",
        "PA": "Palermo",
        "RM": "Roma",
        "TO": "Torino",
        "VE": "Venezia",
    },
    "PT": {},
    "BR": {
        "BA": "Bahia",
        "DF": "Distrito Federal",
        "MG": "Minas Gerais",
        "PE": "Pernambuco",
        "PR": "Paraná",
        "RJ": "Rio de Janeiro",
        "RS": "Rio Grande do Sul",
        "SC": "Santa Catarina",
        "SP": "São Paulo",
    },
    "MX": {
        "BC": "Baja California",
        "DF": "Ciudad de México",
        "GT": "Guanajuato",
        "JA": "Jalisco",
        "NL": "Nuevo León",
        "PU": "Puebla",
        "QR": "Quintana Roo",
        "YU": "Yucatán",
    },
    "NL": {},
    "SE": {},
    "PL": {},
    "AU": {
        "ACT": "Australian Capital Territory",
        "NSW": "New South Wales",
        "QLD": "Queensland",
        "SA": "South Australia",
        "TAS": "Tasmania",
        "VIC": "Victoria",
        "WA": "Western Australia",
    },
    "JP": {
        "JP01": "Hokkaido",
        "JP13": "Tokyo",
        "JP14": "Kanagawa",
        "JP23": "Aichi",
        "JP26": "Kyoto",
        "JP27": "Osaka",
        "JP40": "Fukuoka",
    },
    "IN": {
        "DL": "Delhi",
        "GJ": "Gujarat",
        "KA": "Karnataka",
        "MH": "Maharashtra",
        "RJ": "Rajasthan",
        "TN": "Tamil Nadu",
        "TS": "Telangana",
        "WB": "West Bengal",
    },
    # WooCommerce lists the Irish counties as states (it did not in its oldest releases).
    "IE": {
        "CO": "Cork",
        "D": "Dublin",
        "G": "Galway",
        "KY": "Kerry",
        "LK": "Limerick",
        "WD": "Waterford",
    },
}

#: How names written in Japanese script are spelled in Latin letters (for logins and emails).
LATIN_SPELLINGS: Mapping[str, str] = {
    "翔太": "shota",
    "陽菜": "hina",
    "蓮": "ren",
    "結衣": "yui",
    "大翔": "hiroto",
    "美咲": "misaki",
    "悠真": "yuma",
    "さくら": "sakura",
    "健太": "kenta",
    "葵": "aoi",
    "拓海": "takumi",
    "花子": "hanako",
    "太郎": "taro",
    "愛子": "aiko",
    "佐藤": "sato",
    "鈴木": "suzuki",
    "高橋": "takahashi",
    "田中": "tanaka",
    "伊藤": "ito",
    "渡辺": "watanabe",
    "山本": "yamamoto",
    "中村": "nakamura",
    "小林": "kobayashi",
    "加藤": "kato",
    "吉田": "yoshida",
    "山田": "yamada",
    "佐々木": "sasaki",
    "松本": "matsumoto",
}

# The tables are kept dense, several names to a line, for reading.
# fmt: off
LOCALES: tuple[Locale, ...] = (
    Locale(
        country="US",
        weight=24,
        letters="ABCDEF",
        first_names=(
            "James", "Mary", "Michael", "Jennifer", "Robert", "Linda", "David", "Emily",
            "William", "Sarah", "Christopher", "Jessica", "Daniel", "Ashley", "Matthew",
            "Olivia", "Anthony", "Madison", "Joshua", "Hannah", "Andrew", "Chloe", "Tyler",
            "Grace", "Brandon", "Zoe", "Kevin", "Megan", "Jacob", "Lauren", "DeShawn", "Aaliyah",
        ),
        last_names=(
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas",
            "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
            "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Nguyen", "Patel",
            "O'Connor", "Kim",
        ),
        cities=(
            City("San Francisco", "CA", "941##", "(415) 555-01##"),
            City("Los Angeles", "CA", "900##", "(213) 555-01##"),
            City("New York", "NY", "100##", "(212) 555-01##"),
            City("Brooklyn", "NY", "112##", "(718) 555-01##"),
            City("Austin", "TX", "787##", "(512) 555-01##"),
            City("Chicago", "IL", "606##", "(312) 555-01##"),
            City("Seattle", "WA", "981##", "(206) 555-01##"),
            City("Miami", "FL", "331##", "(305) 555-01##"),
            City("Boston", "MA", "021##", "(617) 555-01##"),
            City("Denver", "CO", "802##", "(303) 555-01##"),
            City("Atlanta", "GA", "303##", "(404) 555-01##"),
            City("Portland", "OR", "972##", "(503) 555-01##"),
        ),
        streets=(
            "Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street",
            "Pine Street", "Washington Avenue", "Park Place", "Lakeview Drive", "Highland Avenue",
            "Willow Court", "Chestnut Street", "Hillcrest Road", "Sunset Boulevard",
        ),
        street_format="{number} {street}",
        house_numbers=("%#", "%##", "%###", "%####"),
        address_2=("Apt %", "Apt %#", "Apt %@", "Suite %00", "Unit %#"),
        mobiles=(),
        companies=(
            "{last} & Sons", "{last} Consulting LLC", "{last} Design Co.", "{last} Holdings Inc.",
            "{last} Family Farms",
        ),
    ),
    Locale(
        country="CA",
        weight=5,
        letters="ABCEGHJKLMNPRSTVWXYZ",
        first_names=(
            "Liam", "Noah", "Emma", "Olivia", "Ethan", "Charlotte", "Lucas", "Amelia", "Benjamin",
            "Ava", "Logan", "Chloé", "Félix", "Léa", "Gabriel", "Élodie", "Mathis", "Maëlle",
            "William", "Zoé", "Owen", "Sophie", "Jacob", "Maya",
        ),
        last_names=(
            "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
            "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Smith", "Brown",
            "Wilson", "MacDonald", "Campbell", "Martin", "Anderson", "Taylor", "Leblanc",
            "Thompson",
        ),
        cities=(
            City("Toronto", "ON", "M5V #@#", "(416) 555-01##"),
            City("Ottawa", "ON", "K1P #@#", "(613) 555-01##"),
            City("Montréal", "QC", "H2X #@#", "(514) 555-01##"),
            City("Québec", "QC", "G1R #@#", "(418) 555-01##"),
            City("Vancouver", "BC", "V6B #@#", "(604) 555-01##"),
            City("Calgary", "AB", "T2P #@#", "(403) 555-01##"),
            City("Halifax", "NS", "B3H #@#", "(902) 555-01##"),
            City("Winnipeg", "MB", "R3C #@#", "(204) 555-01##"),
        ),
        streets=(
            "King Street West", "Queen Street", "Yonge Street", "Wellington Street",
            "Rue Saint-Denis", "Rue Sainte-Catherine Ouest", "Granville Street", "Robson Street",
            "Boulevard René-Lévesque", "Spring Garden Road", "Portage Avenue", "Elgin Street",
        ),
        street_format="{number} {street}",
        house_numbers=("%#", "%##", "%###", "%###"),
        address_2=("Unit %#", "Suite %0%", "Apt %#", "App. %"),
        mobiles=(),
        companies=("{last} & Associates", "{last} Ltd.", "Les Entreprises {last} inc."),
    ),
    Locale(
        country="GB",
        weight=12,
        letters="ABDEFGHJLNPQRSTUWXYZ",
        first_names=(
            "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Charlie",
            "Sophie", "Thomas", "Emily", "Oscar", "Poppy", "James", "Freya", "William", "Evie",
            "Alfie", "Ella", "Rhys", "Siobhan", "Callum", "Niamh",
        ),
        last_names=(
            "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
            "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
            "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Khan", "MacLeod",
        ),
        cities=(
            City("London", "", "SE1 #@@", "020 7946 0###"),
            City("London", "", "N1 #@@", "020 7946 0###"),
            City("London", "", "EC1V #@@", "020 7946 0###"),
            City("Manchester", "", "M1 #@@", "0161 496 0###"),
            City("Birmingham", "", "B1 #@@", "0121 496 0###"),
            City("Leeds", "", "LS1 #@@", "0113 496 0###"),
            City("Edinburgh", "", "EH1 #@@", "0131 496 0###"),
            City("Glasgow", "", "G1 #@@", "0141 496 0###"),
            City("Bristol", "", "BS1 #@@", "0117 496 0###"),
            City("Cardiff", "", "CF10 #@@", "029 2018 0###"),
            City("Belfast", "", "BT1 #@@", "028 9018 0###"),
        ),
        streets=(
            "High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane",
            "Manor Road", "Park Road", "Queen's Road", "The Crescent", "Mill Lane", "Kingsway",
            "Albert Street",
        ),
        street_format="{number} {street}",
        house_numbers=("%", "%#", "%#", "%##"),
        address_2=("Flat %", "Flat %#", "Flat %@", "Unit %#"),
        mobiles=("07700 900###",),
        companies=("{last} & Co. Ltd", "{last} Ltd", "{last} Trading Ltd"),
    ),
    Locale(
        country="DE",
        weight=11,
        letters="abcd",
        first_names=(
            "Lukas", "Anna", "Leon", "Lea", "Felix", "Marie", "Jonas", "Sophie", "Maximilian",
            "Hannah", "Paul", "Lena", "Tobias", "Katharina", "Jürgen", "Sabine", "Stefan",
            "Claudia", "Matthias", "Julia", "Björn", "Jörg", "Uwe", "Anja",
        ),
        last_names=(
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
            "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Weiß", "Groß",
            "Köhler",
        ),
        cities=(
            City("Berlin", "", "10###", "030 %#######"),
            City("Hamburg", "", "22###", "040 %#######"),
            City("München", "", "80###", "089 %#######"),
            City("Köln", "", "50###", "0221 %######"),
            City("Frankfurt am Main", "", "60###", "069 %#######"),
            City("Stuttgart", "", "70###", "0711 %######"),
            City("Düsseldorf", "", "40###", "0211 %######"),
            City("Leipzig", "", "04###", "0341 %######"),
        ),
        streets=(
            "Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße",
            "Lindenstraße", "Goethestraße", "Schillerstraße", "Kirchweg", "Am Markt",
            "Bergstraße", "Friedrichstraße",
        ),
        street_format="{street} {number}",
        house_numbers=("%", "%#", "%#", "%#@", "%##"),
        address_2=("%. OG", "Hinterhaus", "Wohnung %#", "Seitenflügel links"),
        mobiles=("0151 %#######", "0170 %#######", "0176 %#######"),
        companies=("{last} GmbH", "{last} & Partner", "{last} KG", "Bäckerei {last}"),
    ),
    Locale(
        country="FR",
        weight=10,
        letters="ABCDEF",
        first_names=(
            "Jean", "Marie", "Pierre", "Camille", "Louis", "Chloé", "Hugo", "Léa", "Antoine",
            "Manon", "Julien", "Élise", "Théo", "Inès", "Nicolas", "Margaux", "François",
            "Hélène", "Mathéo", "Océane", "Benoît", "Amélie", "Jérôme", "Cécile",
        ),
        last_names=(
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
            "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
            "Faure", "Rousseau", "Blanc", "Guérin",
        ),
        cities=(
            City("Paris", "", "7500%", "01 99 00 ## ##"),
            City("Paris", "", "7501#", "01 99 00 ## ##"),
            City("Lyon", "", "6900%", "04 65 71 ## ##"),
            City("Marseille", "", "1300%", "04 65 71 ## ##"),
            City("Toulouse", "", "31%00", "05 36 49 ## ##"),
            City("Bordeaux", "", "33%00", "05 36 49 ## ##"),
            City("Lille", "", "59%00", "03 53 01 ## ##"),
            City("Nantes", "", "44%00", "02 61 91 ## ##"),
            City("Strasbourg", "", "67%00", "03 53 01 ## ##"),
        ),
        streets=(
            "rue de la République", "rue Victor Hugo", "avenue Jean Jaurès",
            "boulevard Saint-Michel", "rue des Lilas", "place de la Mairie", "rue du Moulin",
            "rue Pasteur", "rue de l'Église", "impasse des Tilleuls", "rue Émile Zola",
            "quai des Chartrons",
        ),
        street_format="{number} {street}",
        house_numbers=("%", "%#", "%#", "%# bis"),
        address_2=("Bâtiment @", "Appartement %#", "Escalier %", "Résidence Les Pins"),
        mobiles=("06 39 98 ## ##",),
        companies=("{last} SARL", "{last} et Fils", "SAS {last}", "Atelier {last}"),
    ),
    Locale(
        country="ES",
        weight=5,
        letters="ABCD",
        first_names=(
            "Antonio", "María", "José", "Carmen", "Manuel", "Lucía", "Francisco", "Ana", "David",
            "Laura", "Javier", "Marta", "Alejandro", "Sofía", "Pablo", "Paula", "Sergio", "Elena",
            "Jesús", "Cristina", "Íñigo", "Nuria", "Álvaro", "Begoña",
        ),
        last_names=(
            "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
            "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
            "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres",
            "Domínguez", "Vázquez", "Ibáñez", "Castaño",
        ),
        cities=(
            City("Madrid", "M", "280##", "91 %## ## ##"),
            City("Barcelona", "B", "080##", "93 %## ## ##"),
            City("Valencia", "V", "460##", "96 %## ## ##"),
            City("Sevilla", "SE", "410##", "95 %## ## ##"),
            City("Zaragoza", "Z", "500##", "976 %# ## ##"),
            City("Málaga", "MA", "290##", "952 %# ## ##"),
            City("Bilbao", "BI", "480##", "94 %## ## ##"),
            City("Palma", "PM", "070##", "971 %# ## ##"),
        ),
        streets=(
            "Calle Mayor", "Calle de Alcalá", "Gran Vía", "Calle Real",
            "Avenida de la Constitución", "Paseo de Gracia", "Calle San Fernando",
            "Plaza de España", "Calle del Carmen", "Avenida del Puerto", "Calle Nueva",
            "Rambla de Catalunya",
        ),
        street_format="{street}, {number}",
        house_numbers=("%", "%#", "%#", "%##"),
        address_2=("%º %ª", "Piso %, puerta @", "Bajo", "Escalera @, %º"),
        mobiles=("6%# ### ###",),
        companies=("{last} S.L.", "{last} y Asociados", "Comercial {last} S.A."),
    ),
    Locale(
        country="IT",
        weight=5,
        letters="ABCD",
        first_names=(
            "Giuseppe", "Maria", "Giovanni", "Anna", "Marco", "Giulia", "Francesco", "Chiara",
            "Alessandro", "Francesca", "Luca", "Sara", "Andrea", "Valentina", "Matteo", "Elena",
            "Lorenzo", "Martina", "Niccolò", "Federica", "Davide", "Alessia", "Simone",
            "Beatrice",
        ),
        last_names=(
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa",
            "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro",
            "D'Angelo",
        ),
        cities=(
            City("Roma", "RM", "001##", "06 %### ####"),
            City("Milano", "MI", "201##", "02 %### ####"),
            City("Torino", "TO", "101##", "011 %## ####"),
            City("Napoli", "NA", "801##", "081 %## ####"),
            City("Firenze", "FI", "501##", "055 %## ####"),
            City("Bologna", "BO", "401##", "051 %## ####"),
            City("Venezia", "VE", "301##", "041 %## ####"),
            City("Palermo", "PA", "901##", "091 %## ####"),
            City("Genova", "GE", "161##", "010 %## ####"),
        ),
        streets=(
            "Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele II", "Via Mazzini",
            "Piazza del Duomo", "Via Dante Alighieri", "Via Cavour", "Viale della Libertà",
            "Via Verdi", "Corso Italia", "Via San Francesco", "Via dei Mille",
        ),
        street_format="{street}, {number}",
        house_numbers=("%", "%#", "%#", "%#/@"),
        address_2=("Scala @, Interno %", "Interno %#", "Piano %", "Palazzina @"),
        mobiles=("3%# ### ####",),
        companies=("{last} S.r.l.", "{last} & Figli", "{last} S.p.A.", "Studio {last}"),
    ),
    Locale(
        country="PT",
        weight=2,
        letters="ABCD",
        first_names=(
            "João", "Maria", "José", "Ana", "António", "Beatriz", "Francisco", "Inês", "Tiago",
            "Mariana", "Duarte", "Leonor", "Rodrigo", "Catarina", "Gonçalo", "Sofia", "Rui",
            "Joana", "Miguel", "Margarida", "Luís", "Conceição",
        ),
        last_names=(
            "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
            "Martins", "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves",
            "Almeida", "Ribeiro", "Pinto", "Carvalho", "Teixeira", "Magalhães", "Araújo",
        ),
        cities=(
            City("Lisboa", "", "1%##-%##", "21 %## ####"),
            City("Porto", "", "40%#-%##", "22 %## ####"),
            City("Braga", "", "4700-%##", "253 %## ###"),
            City("Coimbra", "", "30%#-%##", "239 %## ###"),
            City("Faro", "", "80%#-%##", "289 %## ###"),
        ),
        streets=(
            "Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Rua do Ouro",
            "Rua da Prata", "Avenida da República", "Rua Garrett", "Travessa do Carmo",
            "Rua das Flores", "Largo do Chiado", "Rua Direita", "Avenida dos Aliados",
        ),
        street_format="{street}, {number}",
        house_numbers=("%", "%#", "%#", "%##"),
        address_2=("%º Esq.", "%º Dto.", "R/C", "%º Andar"),
        mobiles=("9%# ### ###",),
        companies=("{last} & Filhos, Lda.", "{last} Unipessoal, Lda.", "{last} S.A."),
    ),
    Locale(
        country="BR",
        weight=4,
        letters="ABCD",
        first_names=(
            "João", "Maria", "Pedro", "Ana", "Lucas", "Juliana", "Gabriel", "Fernanda", "Rafael",
            "Beatriz", "Matheus", "Larissa", "Felipe", "Camila", "Gustavo", "Letícia", "Thiago",
            "Luíza", "Bruno", "Mariana", "Vinícius", "Patrícia", "Caio", "Gisele",
        ),
        last_names=(
            "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
            "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Araújo", "Melo",
            "Barbosa", "Cardoso", "Nascimento", "Rocha", "Moreira", "Conceição", "Guimarães",
            "Brandão",
        ),
        cities=(
            City("São Paulo", "SP", "0%###-###", "(11) 3%##-####"),
            City("Campinas", "SP", "130##-###", "(19) 3%##-####"),
            City("Rio de Janeiro", "RJ", "2%###-###", "(21) 2%##-####"),
            City("Belo Horizonte", "MG", "30###-###", "(31) 3%##-####"),
            City("Porto Alegre", "RS", "90###-###", "(51) 3%##-####"),
            City("Curitiba", "PR", "80###-###", "(41) 3%##-####"),
            City("Salvador", "BA", "40###-###", "(71) 3%##-####"),
            City("Brasília", "DF", "70###-###", "(61) 3%##-####"),
            City("Recife", "PE", "50###-###", "(81) 3%##-####"),
            City("Florianópolis", "SC", "880##-###", "(48) 3%##-####"),
        ),
        streets=(
            "Rua das Laranjeiras", "Avenida Paulista", "Rua Oscar Freire", "Avenida Atlântica",
            "Rua XV de Novembro", "Avenida Brasil", "Rua da Consolação", "Avenida Afonso Pena",
            "Rua Sete de Setembro", "Avenida Rio Branco", "Rua dos Andradas", "Rua Bahia",
        ),
        street_format="{street}, {number}",
        house_numbers=("%#", "%##", "%###", "%###"),
        address_2=("Apto %#", "Apto %0%", "Bloco @, Apto %#", "Casa %", "Sala %0%"),
        # Brazilian mobiles need the city's area code, which the city's own number carries.
        mobiles=(),
        companies=("{last} Comércio Ltda.", "{last} & Cia.", "{last} Serviços ME", "Grupo {last}"),
    ),
    Locale(
        country="MX",
        weight=3,
        letters="ABCD",
        first_names=(
            "José", "María", "Juan", "Guadalupe", "Luis", "Fernanda", "Carlos", "Ximena", "Jorge",
            "Valeria", "Miguel Ángel", "Daniela", "Alejandro", "Sofía", "Ricardo", "Regina",
            "Eduardo", "Camila", "Emiliano", "Andrea", "Santiago", "Renata", "Diego", "Itzel",
        ),
        last_names=(
            "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez",
            "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes",
            "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz",
            "Castillo", "Núñez",
        ),
        cities=(
            City("Ciudad de México", "DF", "0%###", "55 %### ####"),
            City("Guadalajara", "JA", "44###", "33 %### ####"),
            City("Monterrey", "NL", "64###", "81 %### ####"),
            City("Puebla", "PU", "72###", "222 %## ####"),
            City("Mérida", "YU", "97###", "999 %## ####"),
            City("Cancún", "QR", "775##", "998 %## ####"),
            City("León", "GT", "37###", "477 %## ####"),
            City("Tijuana", "BC", "22###", "664 %## ####"),
        ),
        streets=(
            "Avenida Insurgentes Sur", "Paseo de la Reforma", "Calle Madero", "Avenida Juárez",
            "Calle Hidalgo", "Avenida Revolución", "Calle Morelos", "Avenida Chapultepec",
            "Calle 5 de Mayo", "Avenida Vallarta", "Calle Allende", "Avenida Constitución",
        ),
        street_format="{street} {number}",
        house_numbers=("%", "%#", "%##", "%###"),
        address_2=("Int. %", "Depto. %0%", "Col. Centro", "Col. Del Valle", "Col. Roma Norte"),
        mobiles=(),
        companies=("{last} S.A. de C.V.", "Grupo {last}", "{last} y Asociados"),
    ),
    Locale(
        country="NL",
        weight=3,
        letters="ABCDEGHJKLMNPRSTVWXZ",
        first_names=(
            "Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Tess", "Finn", "Sophie",
            "Milan", "Zoë", "Jesse", "Anna", "Bram", "Fleur", "Thijs", "Lotte", "Ruben", "Femke",
            "Joost", "Ilse",
        ),
        last_names=(
            "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
            "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
            "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
        ),
        cities=(
            City("Amsterdam", "", "10%# @@", "020 %## ####"),
            City("Rotterdam", "", "30%# @@", "010 %## ####"),
            City("Den Haag", "", "25%# @@", "070 %## ####"),
            City("Utrecht", "", "35%# @@", "030 %## ####"),
            City("Eindhoven", "", "56%# @@", "040 %## ####"),
            City("Groningen", "", "97%# @@", "050 %## ####"),
        ),
        streets=(
            "Kerkstraat", "Dorpsstraat", "Molenweg", "Prinsengracht", "Herengracht",
            "Stationsweg", "Julianastraat", "Wilhelminastraat", "Oranjestraat", "Schoolstraat",
            "Keizersgracht", "Nieuwstraat",
        ),
        street_format="{street} {number}",
        house_numbers=("%", "%#", "%#", "%#@", "%##"),
        address_2=("% hoog", "Unit %#"),
        mobiles=("06 %#######",),
        companies=("{last} B.V.", "Handelsonderneming {last}", "{last} & Zn."),
    ),
    Locale(
        country="SE",
        weight=2,
        letters="ABCD",
        first_names=(
            "Erik", "Anna", "Lars", "Maria", "Karl", "Elin", "Johan", "Karin", "Anders", "Sara",
            "Oskar", "Linnéa", "Nils", "Astrid", "Gustav", "Ebba", "Axel", "Maja", "Björn",
            "Ingrid", "Sven", "Åsa",
        ),
        last_names=(
            "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
            "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson",
            "Lindberg", "Lindström", "Åberg", "Sjöberg", "Söderberg", "Ström", "Löfgren",
        ),
        cities=(
            City("Stockholm", "", "11% ##", "08-%## ## ##"),
            City("Göteborg", "", "41% ##", "031-%## ## ##"),
            City("Malmö", "", "21% ##", "040-%## ## ##"),
            City("Uppsala", "", "75% ##", "018-%# ## ##"),
            City("Västerås", "", "72% ##", "021-%# ## ##"),
            City("Örebro", "", "70% ##", "019-%# ## ##"),
        ),
        streets=(
            "Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan", "Järnvägsgatan",
            "Kyrkogatan", "Vasagatan", "Södra vägen", "Nygatan", "Parkvägen", "Björkvägen",
            "Ringvägen",
        ),
        street_format="{street} {number}",
        house_numbers=("%", "%#", "%#", "%#@"),
        address_2=("Lgh 1%0%", "Lgh 1%1%", "c/o Andersson"),
        mobiles=("07%-### ## ##",),
        companies=("{last} AB", "{last} & Co AB", "{last} Handelsbolag"),
    ),
    Locale(
        country="PL",
        weight=3,
        letters="ABCD",
        first_names=(
            "Jan", "Anna", "Piotr", "Katarzyna", "Tomasz", "Małgorzata", "Paweł", "Agnieszka",
            "Michał", "Magdalena", "Krzysztof", "Joanna", "Łukasz", "Aleksandra", "Jakub",
            "Zofia", "Wojciech", "Dorota", "Mateusz", "Ewa", "Bartłomiej", "Grażyna",
        ),
        # Surnames that are the same for women and men, so any first name fits.
        last_names=(
            "Nowak", "Wójcik", "Kowalczyk", "Kaczmarek", "Mazur", "Krawczyk", "Zając", "Król",
            "Wróbel", "Pawlak", "Michalak", "Dudek", "Adamczyk", "Sikora", "Baran", "Szulc",
            "Kubiak", "Lis", "Kołodziej", "Wieczorek", "Walczak", "Stępień", "Gołąb", "Żak",
        ),
        cities=(
            City("Warszawa", "", "0%-%##", "22 %## ## ##"),
            City("Kraków", "", "3%-%##", "12 %## ## ##"),
            City("Łódź", "", "9%-%##", "42 %## ## ##"),
            City("Wrocław", "", "5%-%##", "71 %## ## ##"),
            City("Poznań", "", "6%-%##", "61 %## ## ##"),
            City("Gdańsk", "", "80-%##", "58 %## ## ##"),
        ),
        streets=(
            "ul. Marszałkowska", "ul. Długa", "ul. Polna", "ul. Lipowa", "ul. Ogrodowa",
            "ul. Floriańska", "ul. Piotrkowska", "al. Jerozolimskie", "ul. Mickiewicza",
            "ul. Słoneczna", "ul. Kościuszki", "ul. Szkolna",
        ),
        street_format="{street} {number}",
        house_numbers=("%", "%#", "%#/%", "%#/%#"),
        address_2=("m. %#", "lok. %"),
        mobiles=("5%# ### ###", "6%# ### ###", "7%# ### ###"),
        companies=("{last} sp. z o.o.", "P.H.U. {last}", "{last} i Wspólnicy"),
    ),
    Locale(
        country="AU",
        weight=4,
        letters="ABCD",
        first_names=(
            "Jack", "Charlotte", "William", "Olivia", "Noah", "Mia", "Thomas", "Isla", "Lachlan",
            "Chloe", "Cooper", "Matilda", "Riley", "Sienna", "Hamish", "Ruby", "Oliver", "Zara",
            "Mitchell", "Kylie", "Bailey", "Tahlia",
        ),
        last_names=(
            "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson",
            "Martin", "White", "Anderson", "Walker", "Thompson", "Ryan", "Kelly", "Campbell",
            "Mitchell", "O'Brien", "Murphy", "Harris", "Robinson", "Tran",
        ),
        cities=(
            City("Sydney", "NSW", "20%#", "(02) 5550 ####"),
            City("Newcastle", "NSW", "230%", "(02) 5550 ####"),
            City("Melbourne", "VIC", "30%#", "(03) 5550 ####"),
            City("Brisbane", "QLD", "40%#", "(07) 5550 ####"),
            City("Perth", "WA", "60%#", "(08) 5550 ####"),
            City("Adelaide", "SA", "50%#", "(08) 5550 ####"),
            City("Canberra", "ACT", "26%#", "(02) 5550 ####"),
            City("Hobart", "TAS", "700%", "(03) 5550 ####"),
        ),
        streets=(
            "George Street", "Collins Street", "Queen Street", "Chapel Street", "Beach Road",
            "Bridge Road", "King William Street", "Hay Street", "Oxford Street", "Ann Street",
            "Flinders Lane", "Station Street",
        ),
        street_format="{number} {street}",
        house_numbers=("%", "%#", "%#", "%##"),
        address_2=("Unit %#", "Level %", "Apartment %0%", "Shop %"),
        mobiles=("0491 570 12#", "0491 570 14#"),
        companies=("{last} Pty Ltd", "{last} & Associates", "{last} Trading Pty Ltd"),
    ),
    Locale(
        country="JP",
        weight=2,
        letters="ABCD",
        first_names=(
            "翔太", "陽菜", "蓮", "結衣", "大翔", "美咲", "悠真", "さくら", "健太", "葵", "拓海",
            "花子", "太郎", "愛子",
        ),
        last_names=(
            "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田",
            "山田", "佐々木", "松本",
        ),
        cities=(
            City("千代田区", "JP13", "100-00##", "03-%###-####"),
            City("渋谷区", "JP13", "150-00##", "03-%###-####"),
            City("横浜市", "JP14", "220-00##", "045-%##-####"),
            City("大阪市", "JP27", "530-00##", "06-%###-####"),
            City("京都市", "JP26", "604-8###", "075-%##-####"),
            City("札幌市", "JP01", "060-00##", "011-%##-####"),
            City("福岡市", "JP40", "810-00##", "092-%##-####"),
            City("名古屋市", "JP23", "460-00##", "052-%##-####"),
        ),
        streets=(
            "丸の内", "神南", "道玄坂", "みなとみらい", "梅田", "中之島", "四条通",
            "大通西", "天神", "栄", "本町", "中央",
        ),
        street_format="{street}{number}",
        house_numbers=("%-%-%", "%-%#-%", "%-%-%#"),
        address_2=("%0%号室", "サンハイツ%0%", "グランメゾン%0%号"),
        mobiles=("090-%###-####", "080-%###-####"),
        companies=("株式会社{last}商事", "{last}工業株式会社", "有限会社{last}"),
    ),
    Locale(
        country="IN",
        weight=3,
        letters="ABCD",
        first_names=(
            "Aarav", "Priya", "Rohan", "Ananya", "Arjun", "Diya", "Vihaan", "Isha", "Aditya",
            "Kavya", "Rahul", "Sneha", "Siddharth", "Pooja", "Karthik", "Lakshmi", "Vikram",
            "Meera", "Amit", "Neha", "Sanjay", "Divya",
        ),
        last_names=(
            "Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao",
            "Mehta", "Joshi", "Desai", "Chatterjee", "Banerjee", "Mukherjee", "Verma", "Kapoor",
            "Malhotra", "Menon", "Pillai", "Shah", "Agarwal",
        ),
        cities=(
            City("Mumbai", "MH", "4000##", "022 %### ####"),
            City("Pune", "MH", "4110##", "020 %### ####"),
            City("Bengaluru", "KA", "5600##", "080 %### ####"),
            City("New Delhi", "DL", "1100##", "011 %### ####"),
            City("Chennai", "TN", "6000##", "044 %### ####"),
            City("Hyderabad", "TS", "5000##", "040 %### ####"),
            City("Kolkata", "WB", "7000##", "033 %### ####"),
            City("Ahmedabad", "GJ", "3800##", "079 %### ####"),
            City("Jaipur", "RJ", "3020##", "0141 %## ####"),
        ),
        streets=(
            "MG Road", "Brigade Road", "Linking Road", "Park Street", "Anna Salai",
            "Connaught Place", "FC Road", "Residency Road", "Marine Drive", "Church Street",
            "Nehru Nagar Main Road", "Station Road",
        ),
        street_format="{number}, {street}",
        house_numbers=("%", "%#", "%##", "%#/%"),
        address_2=("Flat %0%", "Flat %0%, @ Wing", "Block @", "Near Central Bus Stand"),
        mobiles=("9%### #####", "8%### #####", "7%### #####"),
        companies=("{last} Enterprises", "{last} Traders Pvt. Ltd.", "{last} & Sons"),
    ),
    Locale(
        country="IE",
        weight=2,
        letters="ACDEFHKNPRTVWXY",
        first_names=(
            "Seán", "Aoife", "Conor", "Siobhán", "Ciarán", "Niamh", "Patrick", "Saoirse", "Oisín",
            "Róisín", "Darragh", "Ciara", "Cian", "Orla", "Eoin", "Sinéad", "Liam", "Gráinne",
            "Fionn", "Clodagh",
        ),
        last_names=(
            "Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan",
            "O'Connor", "O'Neill", "Reilly", "Doyle", "McCarthy", "Gallagher", "Kennedy",
            "Lynch", "Murray", "Quinn", "Moore", "Ó Súilleabháin",
        ),
        cities=(
            City("Dublin", "D", "D0% @$$$", "01 %## ####"),
            City("Dublin", "D", "D1% @$$$", "01 %## ####"),
            City("Cork", "CO", "T12 @$$$", "021 %## ####"),
            City("Galway", "G", "H91 @$$$", "091 %## ###"),
            City("Limerick", "LK", "V94 @$$$", "061 %## ###"),
            City("Waterford", "WD", "X91 @$$$", "051 %## ###"),
            City("Killarney", "KY", "V93 @$$$", "064 %## ####"),
        ),
        streets=(
            "Main Street", "O'Connell Street", "Grafton Street", "Patrick Street", "Shop Street",
            "Church Road", "Strand Road", "Castle Street", "Mary Street", "Parnell Square",
            "Dame Street", "Quay Street",
        ),
        street_format="{number} {street}",
        house_numbers=("%", "%#", "%#", "%##"),
        address_2=("Apartment %#", "Flat %", "Unit %#"),
        mobiles=("08% ### ####",),
        companies=("{last} Ltd", "{last} & Sons Ltd", "{last} Teoranta"),
    ),
)
# fmt: on

#: The countries covered, in table order.
COUNTRIES: tuple[str, ...] = tuple(locale.country for locale in LOCALES)

__all__ = ["COUNTRIES", "LATIN_SPELLINGS", "LOCALES", "STATES", "City", "Locale"]
