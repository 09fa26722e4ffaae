"""Councils' names: the short core two ways of writing one council share ("Kent County Council", "kent cc"), and the
name a letter is addressed to (an adviser's read: a letter to "Leeds Council" should go to Leeds City Council).

The official names are the local authorities in England with education and children's social care duties, as the
Ombudsman's decisions name them ("London Borough of Barnet", "Bury Metropolitan Borough Council"). A council whose
own name is "<place> Council" (Cornwall Council, Wiltshire Council) is not listed: that name is already right."""

from __future__ import annotations

import re

# core (see `council_core`) → the council's name. Where two cores are the same council ("hull", "kingston upon
# hull"), both are listed.
OFFICIAL = {
    # two-tier and unitary counties
    "cambridgeshire": "Cambridgeshire County Council",
    "derbyshire": "Derbyshire County Council",
    "devon": "Devon County Council",
    "durham": "Durham County Council",
    "east sussex": "East Sussex County Council",
    "essex": "Essex County Council",
    "gloucestershire": "Gloucestershire County Council",
    "hampshire": "Hampshire County Council",
    "hertfordshire": "Hertfordshire County Council",
    "kent": "Kent County Council",
    "lancashire": "Lancashire County Council",
    "leicestershire": "Leicestershire County Council",
    "lincolnshire": "Lincolnshire County Council",
    "norfolk": "Norfolk County Council",
    "northumberland": "Northumberland County Council",
    "nottinghamshire": "Nottinghamshire County Council",
    "oxfordshire": "Oxfordshire County Council",
    "rutland": "Rutland County Council",
    "staffordshire": "Staffordshire County Council",
    "suffolk": "Suffolk County Council",
    "surrey": "Surrey County Council",
    "warwickshire": "Warwickshire County Council",
    "west sussex": "West Sussex County Council",
    "worcestershire": "Worcestershire County Council",
    "isles of scilly": "Council of the Isles of Scilly",
    # cities
    "birmingham": "Birmingham City Council",
    "brighton and hove": "Brighton and Hove City Council",
    "bristol": "Bristol City Council",
    "coventry": "Coventry City Council",
    "derby": "Derby City Council",
    "hull": "Hull City Council",
    "kingston upon hull": "Hull City Council",
    "leeds": "Leeds City Council",
    "leicester": "Leicester City Council",
    "liverpool": "Liverpool City Council",
    "manchester": "Manchester City Council",
    "milton keynes": "Milton Keynes City Council",
    "newcastle": "Newcastle upon Tyne City Council",
    "newcastle upon tyne": "Newcastle upon Tyne City Council",
    "nottingham": "Nottingham City Council",
    "peterborough": "Peterborough City Council",
    "plymouth": "Plymouth City Council",
    "portsmouth": "Portsmouth City Council",
    "salford": "Salford City Council",
    "sheffield": "Sheffield City Council",
    "southampton": "Southampton City Council",
    "southend-on-sea": "Southend-on-Sea City Council",
    "stoke-on-trent": "Stoke-on-Trent City Council",
    "sunderland": "Sunderland City Council",
    "westminster": "Westminster City Council",
    "bradford": "City of Bradford Metropolitan District Council",
    "doncaster": "City of Doncaster Council",
    "wolverhampton": "City of Wolverhampton Council",
    "york": "City of York Council",
    # metropolitan boroughs
    "barnsley": "Barnsley Metropolitan Borough Council",
    "bolton": "Bolton Metropolitan Borough Council",
    "bury": "Bury Metropolitan Borough Council",
    "calderdale": "Calderdale Metropolitan Borough Council",
    "dudley": "Dudley Metropolitan Borough Council",
    "gateshead": "Gateshead Metropolitan Borough Council",
    "kirklees": "Kirklees Metropolitan Borough Council",
    "knowsley": "Knowsley Metropolitan Borough Council",
    "oldham": "Oldham Metropolitan Borough Council",
    "rochdale": "Rochdale Metropolitan Borough Council",
    "rotherham": "Rotherham Metropolitan Borough Council",
    "sandwell": "Sandwell Metropolitan Borough Council",
    "sefton": "Sefton Metropolitan Borough Council",
    "solihull": "Solihull Metropolitan Borough Council",
    "stockport": "Stockport Metropolitan Borough Council",
    "tameside": "Tameside Metropolitan Borough Council",
    "trafford": "Trafford Metropolitan Borough Council",
    "walsall": "Walsall Metropolitan Borough Council",
    "wigan": "Wigan Metropolitan Borough Council",
    "wirral": "Wirral Metropolitan Borough Council",
    "st helens": "St Helens Borough Council",
    # unitary boroughs
    "bedford": "Bedford Borough Council",
    "blackburn with darwen": "Blackburn with Darwen Borough Council",
    "darlington": "Darlington Borough Council",
    "halton": "Halton Borough Council",
    "hartlepool": "Hartlepool Borough Council",
    "luton": "Luton Borough Council",
    "reading": "Reading Borough Council",
    "redcar and cleveland": "Redcar and Cleveland Borough Council",
    "slough": "Slough Borough Council",
    "stockton-on-tees": "Stockton-on-Tees Borough Council",
    "swindon": "Swindon Borough Council",
    "warrington": "Warrington Borough Council",
    "wokingham": "Wokingham Borough Council",
    "windsor and maidenhead": "Royal Borough of Windsor and Maidenhead",
    # London
    "barking and dagenham": "London Borough of Barking and Dagenham",
    "barnet": "London Borough of Barnet",
    "bexley": "London Borough of Bexley",
    "brent": "London Borough of Brent",
    "bromley": "London Borough of Bromley",
    "camden": "London Borough of Camden",
    "croydon": "London Borough of Croydon",
    "ealing": "London Borough of Ealing",
    "enfield": "London Borough of Enfield",
    "hackney": "London Borough of Hackney",
    "hammersmith and fulham": "London Borough of Hammersmith and Fulham",
    "haringey": "London Borough of Haringey",
    "harrow": "London Borough of Harrow",
    "havering": "London Borough of Havering",
    "hillingdon": "London Borough of Hillingdon",
    "hounslow": "London Borough of Hounslow",
    "islington": "London Borough of Islington",
    "lambeth": "London Borough of Lambeth",
    "lewisham": "London Borough of Lewisham",
    "merton": "London Borough of Merton",
    "newham": "London Borough of Newham",
    "redbridge": "London Borough of Redbridge",
    "richmond": "London Borough of Richmond upon Thames",
    "richmond upon thames": "London Borough of Richmond upon Thames",
    "southwark": "London Borough of Southwark",
    "sutton": "London Borough of Sutton",
    "tower hamlets": "London Borough of Tower Hamlets",
    "waltham forest": "London Borough of Waltham Forest",
    "wandsworth": "London Borough of Wandsworth",
    "greenwich": "Royal Borough of Greenwich",
    "kensington and chelsea": "Royal Borough of Kensington and Chelsea",
    "kingston upon thames": "Royal Borough of Kingston upon Thames",
    "kingston": "Royal Borough of Kingston upon Thames",
}


# what people call a council for short: "brum council", "notts county", "Staffs CC"
NICKNAMES = {
    "brum": "Birmingham",
    "notts": "Nottinghamshire",
    "glos": "Gloucestershire",
    "herts": "Hertfordshire",
    "lancs": "Lancashire",
    "bucks": "Buckinghamshire",
    "staffs": "Staffordshire",
    "cambs": "Cambridgeshire",
    "oxon": "Oxfordshire",
    "wilts": "Wiltshire",
    "leics": "Leicestershire",
    "lincs": "Lincolnshire",
    "derbys": "Derbyshire",
    "worcs": "Worcestershire",
    "warks": "Warwickshire",
    "hants": "Hampshire",
    "north yorks": "North Yorkshire",
    "n yorks": "North Yorkshire",
    "bcp": "Bournemouth, Christchurch and Poole",
    "stoke": "Stoke-on-Trent",
    "wolves": "Wolverhampton",
    "west berks": "West Berkshire",
}

# short names that are also English words: a council only when capitalised or followed by "council" ("he wilts")
WORD_NICKNAMES = {"wilts", "staffs", "bucks", "wolves"}
# short names that are also words, names and places ("Stoke Mandeville", "the Wolves match", "Jane Telford", "to stoke
# my anxiety"): a council only followed by "council" ("stoke council", "wolves council", "telford council")
COUNCIL_ONLY = {"stoke", "wolves", "telford"}


def council_core(name: str | None) -> str:
    """A council's name without its kind ("Kent County Council" → "kent"), to compare two ways of writing it."""
    t = (name or "").lower().replace("&", " and ")  # "Brighton & Hove" is "Brighton and Hove"
    t = re.sub(
        r"\b(the|london borough of|royal borough of|city of|metropolitan|borough|county|city|district|council|cc)\b",
        " ",
        t,
    )
    return " ".join(t.split())


def official_name(name: str | None) -> str | None:
    """The name a letter is addressed to: "Leeds Council" → "Leeds City Council"; a name not in the table (Cornwall
    Council, a council the table does not know) as written."""
    if not name:
        return name
    official = OFFICIAL.get(council_core(name))
    if official is None:
        return name
    # the kind the person wrote is kept: "Nottingham County Council" is not Nottingham City Council, "Newcastle Borough
    # Council" (Newcastle-under-Lyme) is not Newcastle upon Tyne City Council
    for kind in ("county", "city", "borough"):
        if re.search(rf"\b{kind}\b", name, re.I) and not re.search(rf"\b{kind}\b", official, re.I):
            return name
    return official


def name_nicknames(text: str, council: str | None) -> str:
    """`text` with a short name of `council` ("notts", "lancs") written as the council's name ("Nottinghamshire County
    Council"): the letter's account names the council as its heading does (an adviser's read of Kai's letter: "an EHCP
    from notts"). Any other word, and a short name of another council, is left as written."""
    core = council_core(council)
    name = official_name(council)
    if not core or not name:
        return text
    council_after = r"(?:\s+county)?(?:\s+(?:council|cc))?\b"
    for nick, place in NICKNAMES.items():
        if council_core(place) == core:
            # a short name that is also a word or a place ("he wilts", "Stoke Mandeville") only with "council" after it;
            # another only as the council, not the place someone lives in or moved to ("we live in notts")
            if nick in WORD_NICKNAMES | COUNCIL_ONLY:
                said = rf"\b{re.escape(nick)}(?:\s+(?:city\s+)?(?:council|cc))\b"
            else:
                said = rf"(?<!in )(?<!near )(?<!around )(?<!to )\b{re.escape(nick)}\b(?![-\w]){council_after}"
            text = re.sub(said, name, text, flags=re.I)
    return text
