"""Names for synthetic people and schools, and the languages spoken at home.

Common names only, so no generated record resembles one real person more
than thousands of others.
"""

import numpy as np


def words(text: str) -> list[str]:
    return text.split()


FEMALE = words(
    "Olivia Emma Charlotte Amelia Sophia Mia Isabella Ava Evelyn Luna Harper "
    "Camila Sofia Scarlett Elizabeth Eleanor Emily Chloe Mila Violet Penelope "
    "Gianna Aria Abigail Ella Avery Hazel Nora Layla Lily Aurora Nova Ellie "
    "Madison Grace Isla Willow Zoe Riley Stella Zoey Victoria Emilia Naomi "
    "Hannah Lucy Elena Lillian Maya Leah Paisley Addison Natalie Valentina "
    "Everly Delilah Leilani Madelyn Kinsley Ruby Sophie Alice Genesis Claire "
    "Audrey Sadie Aaliyah Josephine Autumn Brooklyn Quinn Kennedy Cora Savannah "
    "Caroline Athena Natalia Hailey Aubrey Emery Anna Iris Bella Eliana Ivy"
)

MALE = words(
    "Liam Noah Oliver James Elijah William Henry Lucas Benjamin Theodore Mateo "
    "Levi Sebastian Daniel Jack Michael Alexander Owen Asher Samuel Ethan Leo "
    "Jackson Mason Ezra John Hudson Luca Aiden Joseph David Jacob Logan Luke "
    "Julian Gabriel Grayson Wyatt Matthew Maverick Dylan Isaac Elias Anthony "
    "Thomas Jayden Carter Santiago Ezekiel Charles Josiah Caleb Cooper Lincoln "
    "Miles Christopher Nathan Isaiah Kai Joshua Andrew Angel Aaron Ryan Wesley "
    "Jaxon Christian Eli Adrian Jonathan Roman Nolan Easton Jeremiah Brooks "
    "Colton Cameron Axel Jordan Robert Jace Ian Everett Dominic Silas Micah"
)

NEUTRAL = words(
    "Avery Riley Jordan Quinn Rowan Emerson Parker Sage Finley Reese Skyler "
    "Dakota Hayden Kendall Peyton Remy Ellis Marlowe Shiloh Jamie"
)

SPANISH_FEMALE = words(
    "Sofía Valentina Camila Isabella Lucía Mariana Ximena Daniela Valeria "
    "Gabriela Natalia Renata Regina Victoria Andrea Fernanda Paula Elena"
)

SPANISH_MALE = words(
    "Mateo Santiago Sebastián Leonardo Matías Diego Emiliano Alejandro Daniel "
    "Gael Nicolás Miguel Ángel Samuel Adrián Iker Tomás Joaquín Rafael Andrés"
)

SURNAMES = words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor "
    "Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker "
    "Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans "
    "Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper "
    "Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks "
    "Bennett Gray James Hughes Price Sanders Myers Long Ross Foster Powell "
    "Jenkins Perry Russell Sullivan Fisher Henderson Coleman Simmons Patterson "
    "Jordan Reynolds Hamilton Graham Wallace Woods Cole West Owens Marshall"
)

SPANISH_SURNAMES = words(
    "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez "
    "Torres Flores Rivera Gomez Diaz Cruz Morales Reyes Gutierrez Ortiz "
    "Chavez Ramos Ruiz Alvarez Mendoza Castillo Jimenez Vasquez Romero "
    "Herrera Medina Aguilar Vargas Castro Guzman Fernandez Salazar Soto"
)

ASIAN_SURNAMES = words(
    "Nguyen Tran Le Pham Kim Park Lee Choi Wang Li Zhang Liu Chen Yang Huang "
    "Patel Shah Singh Kumar Sharma Santos Reyes Cruz Bautista Tanaka Suzuki "
    "Sato Watanabe Wong Chan Lin Ho Vu Dang Khan Ali"
)

PACIFIC_SURNAMES = words(
    "Kealoha Kahale Akana Fonoti Tuilagi Faleolo Mahe Taufa Leota Sapolu"
)

NATIVE_SURNAMES = words(
    "Begay Yazzie Benally Tsosie Nez Tso Etsitty Whitehorse Blackfeather "
    "Littlejohn Redcloud Brown Jim Joe"
)

SCHOOL_NAMES = words(
    "Lincoln Washington Jefferson Roosevelt Franklin Madison Adams Jackson "
    "Kennedy Hamilton Monroe Grant Wilson Truman Douglass Tubman Chavez "
    "Parks Keller Curie Carver Edison Einstein Earhart Ride Hopper Lovelace "
    "Maple Oak Cedar Pine Willow Birch Aspen Sycamore Magnolia Juniper "
    "Riverside Lakeview Hillcrest Meadowbrook Brookside Fairview Highland "
    "Sunnyside Westwood Eastgate Northridge Southview Valley Prairie Summit "
    "Canyon Harbor Bayside Mesa Ridgeview Greenfield Parkside Woodland"
)

SCHOOL_QUALIFIERS = ("", "North", "South", "East", "West", "Central")

# Home languages by race/ethnicity: (language, share of the group's homes).
# The rest speak English at home.
HOME_LANGUAGES = {
    "hispanic_latino": (("Spanish", 0.52), ("Portuguese", 0.02)),
    "asian": (
        ("Vietnamese", 0.10),
        ("Chinese", 0.10),
        ("Korean", 0.05),
        ("Tagalog", 0.06),
        ("Hindi", 0.05),
        ("Urdu", 0.03),
    ),
    "black_african_american": (
        ("Somali", 0.03),
        ("Haitian Creole", 0.03),
        ("Amharic", 0.02),
        ("French", 0.02),
    ),
    "white": (("Russian", 0.015), ("Arabic", 0.02), ("Ukrainian", 0.01)),
    "american_indian_alaska_native": (("Navajo", 0.08),),
    "native_hawaiian_pacific_islander": (("Samoan", 0.12), ("Tongan", 0.08)),
    "two_or_more_races": (),
}


def pick(rng: np.random.Generator, names: list[str], n: int) -> np.ndarray:
    return np.asarray(names, dtype=object)[rng.integers(0, len(names), n)]


def first_names(
    rng: np.random.Generator, sexes: np.ndarray, is_hispanic: np.ndarray
) -> np.ndarray:
    """First names by sex; about half of Hispanic children get Spanish names."""
    n = len(sexes)
    names = pick(rng, NEUTRAL, n)
    spanish = is_hispanic & (rng.random(n) < 0.5)
    for sex, plain, spanish_names in (
        ("F", FEMALE, SPANISH_FEMALE),
        ("M", MALE, SPANISH_MALE),
    ):
        chosen = sexes == sex
        names[chosen] = pick(rng, plain, int(chosen.sum()))
        both = chosen & spanish
        names[both] = pick(rng, spanish_names, int(both.sum()))
    return names


def surnames(rng: np.random.Generator, races: np.ndarray) -> np.ndarray:
    """Family names, drawn mostly from lists common in each group."""
    n = len(races)
    names = pick(rng, SURNAMES, n)
    own_lists = {
        "hispanic_latino": (SPANISH_SURNAMES, 0.85),
        "asian": (ASIAN_SURNAMES, 0.85),
        "native_hawaiian_pacific_islander": (PACIFIC_SURNAMES, 0.6),
        "american_indian_alaska_native": (NATIVE_SURNAMES, 0.5),
    }
    for race, (own, share) in own_lists.items():
        chosen = (races == race) & (rng.random(n) < share)
        names[chosen] = pick(rng, own, int(chosen.sum()))
    return names


def home_languages(rng: np.random.Generator, races: np.ndarray) -> np.ndarray:
    languages = np.full(len(races), "English", dtype=object)
    draws = rng.random(len(races))
    for race, options in HOME_LANGUAGES.items():
        in_group = races == race
        floor = 0.0
        for language, share in options:
            languages[in_group & (draws >= floor) & (draws < floor + share)] = language
            floor += share
    return languages


def school_names(n: int, level: str, rng: np.random.Generator) -> list[str]:
    """`n` distinct school names of one level, e.g. "North Maple Middle"."""
    level_word = {"elementary": "Elementary", "middle": "Middle", "high": "High"}
    bases = list(rng.permutation(SCHOOL_NAMES))
    names = [
        f"{qualifier} {base}".strip()
        for qualifier in SCHOOL_QUALIFIERS
        for base in bases
    ]
    return [f"{name} {level_word[level]} School" for name in names[:n]]
