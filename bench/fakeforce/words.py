"""Word lists for made-up names and places: every person in the generated force is fictitious."""

AREAS = (
    "Worcester", "Redditch", "Kidderminster", "Bromsgrove", "Evesham", "Malvern", "Droitwich", "Pershore",
    "Hereford", "Leominster", "Ross", "Ledbury", "Shrewsbury", "Oswestry", "Telford", "Wellington",
    "Ludlow", "Bridgnorth", "Whitchurch", "Newport", "Market Drayton", "Church Stretton", "Tenbury",
    "Stourport", "Upton", "Bewdley", "Wythall", "Hagley", "Madeley", "Dawley", "Broseley", "Craven Arms",
    "Bishops Castle", "Much Wenlock", "Shifnal", "Albrighton", "Ellesmere", "Wem", "Kington", "Bromyard",
)  # fmt: skip
FIRST = (
    "James", "John", "Robert", "Michael", "David", "Richard", "Joseph", "Thomas", "Daniel", "Matthew",
    "Anthony", "Mark", "Paul", "Steven", "Andrew", "Kevin", "Brian", "George", "Liam", "Ryan", "Jason",
    "Gary", "Dean", "Lee", "Craig", "Wayne", "Darren", "Stuart", "Jamie", "Connor", "Kyle", "Callum",
    "Mary", "Sarah", "Emma", "Laura", "Lisa", "Karen", "Claire", "Rebecca", "Gemma", "Amy", "Chloe",
    "Jade", "Kelly", "Hannah", "Sophie", "Leanne", "Nicola", "Joanne", "Aisha", "Mohammed", "Ali", "Priya",
)  # fmt: skip
LAST = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
    "O'Brien", "O'Connor", "McDonald", "Smith-Jones", "Ahmed", "Khan", "Hussain", "Begum", "Nowak", "Kowalski",
)  # fmt: skip
POSTCODE_AREAS = ("B", "CV", "DY", "WS", "WV")
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's unit may use
STREETS = ("High Street", "Church Road", "Station Road", "Mill Lane", "Park Avenue", "Victoria Road", "The Green")
