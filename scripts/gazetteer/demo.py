#!/usr/bin/env python3
"""Generates data/krakow/addresses-demo.csv: a small DEMO gazetteer for tests and demos.

It is NOT the address register. Each street below is a straight segment between two
approximate points (read off a map by hand, to ~100 m); house numbers are spread evenly
along it, odd numbers on one side and even on the other. Positions are therefore only
roughly right. Kraków loads its real addresses from the national register instead
(docs/geocoding.md). Postcodes are left empty rather than guessed.

Run: python3 scripts/gazetteer/demo.py > data/krakow/addresses-demo.csv
"""
import math

# name, (lat, lon) of number 1's end, (lat, lon) of the far end, highest number
STREETS = [
    ("ul. Floriańska", (50.0652, 19.9413), (50.0627, 19.9392), 55),
    ("ul. Grodzka", (50.0600, 19.9373), (50.0550, 19.9380), 65),
    ("Rynek Główny", (50.0622, 19.9360), (50.0610, 19.9385), 47),
    ("ul. Karmelicka", (50.0637, 19.9320), (50.0697, 19.9247), 66),
    ("al. Adama Mickiewicza", (50.0725, 19.9237), (50.0585, 19.9245), 30),
    ("ul. Długa", (50.0672, 19.9385), (50.0730, 19.9382), 80),
    ("ul. Łobzowska", (50.0683, 19.9340), (50.0760, 19.9290), 70),
    ("ul. Kazimierza Wielkiego", (50.0700, 19.9200), (50.0730, 19.9090), 120),
    ("ul. Józefa Dietla", (50.0548, 19.9380), (50.0583, 19.9530), 120),
    ("ul. Starowiślna", (50.0612, 19.9432), (50.0495, 19.9525), 100),
    ("ul. Świętego Wawrzyńca", (50.0497, 19.9450), (50.0485, 19.9540), 40),
    ("ul. Podgórska", (50.0515, 19.9480), (50.0480, 19.9630), 40),
    ("ul. Kalwaryjska", (50.0465, 19.9470), (50.0330, 19.9490), 100),
    ("ul. Wielicka", (50.0425, 19.9620), (50.0180, 20.0020), 260),
    ("ul. Zakopiańska", (50.0310, 19.9380), (49.9980, 19.9260), 200),
    ("ul. Kamieńskiego", (50.0270, 19.9440), (50.0290, 19.9700), 50),
    ("ul. Pawia", (50.0655, 19.9450), (50.0720, 19.9470), 30),
    ("ul. Lubicz", (50.0650, 19.9455), (50.0640, 19.9580), 50),
    ("ul. Mogilska", (50.0665, 19.9595), (50.0740, 19.9960), 130),
    ("al. Pokoju", (50.0590, 19.9590), (50.0680, 20.0030), 80),
    ("al. 29 Listopada", (50.0710, 19.9440), (50.0880, 19.9570), 200),
    ("ul. Armii Krajowej", (50.0700, 19.9050), (50.0820, 19.8780), 80),
    ("ul. Balicka", (50.0830, 19.8900), (50.0950, 19.8450), 200),
    ("ul. Księcia Józefa", (50.0540, 19.8970), (50.0480, 19.8700), 300),
    ("ul. Generała Tadeusza Bora-Komorowskiego", (50.0920, 19.9700), (50.0930, 20.0100), 60),
    ("al. Róż", (50.0727, 20.0374), (50.0768, 20.0370), 20),
]

SIDE_M = 15.0


def main():
    print("ulica;numer;kod_pocztowy;szerokosc;dlugosc;miejscowosc")
    for name, (lat1, lon1), (lat2, lon2), highest in STREETS:
        # A unit vector across the street, in metres, to put odd and even numbers apart.
        dy = (lat2 - lat1) * 111_320.0
        dx = (lon2 - lon1) * 111_320.0 * math.cos(math.radians(lat1))
        length = math.hypot(dx, dy) or 1.0
        for number in range(1, highest + 1):
            t = (number - 0.5) / highest
            side = SIDE_M if number % 2 else -SIDE_M
            # Perpendicular to the street: (north, east) = (-dx, dy) / length.
            north = -dx / length * side
            east = dy / length * side
            lat = lat1 + (lat2 - lat1) * t + north / 111_320.0
            lon = lon1 + (lon2 - lon1) * t + east / (111_320.0 * math.cos(math.radians(lat1)))
            print(f"{name};{number};;{lat:.6f};{lon:.6f};Kraków")


if __name__ == "__main__":
    main()
