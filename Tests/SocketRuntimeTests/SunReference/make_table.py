"""Writes sun_table.tsv: reference sunrise and sunset times from the PyPI package astral (3.2), for
Tests/SocketRuntimeTests/SunTimesTests.swift. Run once with the venv scripts/test makes:

    .venv/bin/python Tests/SocketRuntimeTests/SunReference/make_table.py

The events are astral's time_of_transit at the standard altitude of the sun's centre, -0.833 degrees
(astral's own sunrise() uses -0.789), on the local date as astral's sunrise() picks it: the UTC date's
event, or the neighbouring UTC date's when that one falls on another local date. Local times come from
Python's zoneinfo (the system's tz database), independently of SMSocket's reader. An event that does not
happen is `polar_day` or `polar_night` (the sun stays above / below that altitude all day) or `none` (no
such event falls on that local date)."""

import datetime
import os
import zoneinfo

from astral import Observer
from astral.sun import SunDirection, elevation, noon, time_of_transit

ZENITH = 90.833

PLACES = [
    # name, latitude, longitude, zone, dates (ISO) or (first, last) ranges
    ("Helsinki", 60.1699, 24.9384, "Europe/Helsinki",
     ["2026-03-28", "2026-03-29", "2026-03-30", "2026-06-19", "2026-06-20", "2026-06-21",
      "2026-10-24", "2026-10-25", "2026-10-26", "2026-12-21"]),
    ("Tromso", 69.6492, 18.9553, "Europe/Oslo",
     ["2026-12-21", "2026-06-21", "2026-03-29", "2026-10-25",
      ("2026-01-10", "2026-01-18"), ("2026-05-14", "2026-05-24"),
      ("2026-07-18", "2026-07-28"), ("2026-11-22", "2026-11-30")]),
    ("Sydney", -33.8688, 151.2093, "Australia/Sydney",
     ["2026-04-04", "2026-04-05", "2026-04-06", "2026-10-03", "2026-10-04", "2026-10-05",
      "2026-06-21", "2026-12-21"]),
    ("New York", 40.7128, -74.0060, "America/New_York",
     ["2026-03-07", "2026-03-08", "2026-03-09", "2026-10-31", "2026-11-01", "2026-11-02"]),
    ("Quito", -0.1807, -78.4678, "America/Guayaquil",
     ["2026-03-20", "2026-06-21", "2026-09-23", "2026-12-21"]),
    ("Singapore", 1.3521, 103.8198, "Asia/Singapore",
     ["2026-01-01", "2026-06-21", "2026-12-21"]),
]


def dates(spec):
    for item in spec:
        if isinstance(item, tuple):
            day = datetime.date.fromisoformat(item[0])
            last = datetime.date.fromisoformat(item[1])
            while day <= last:
                yield day
                day += datetime.timedelta(days=1)
        else:
            yield datetime.date.fromisoformat(item)


def event(direction, observer, day, zone):
    def transit(date):
        return time_of_transit(observer, date, ZENITH, direction, with_refraction=False).astimezone(zone)

    try:
        local = transit(day)
        if local.date() != day:
            local = transit(day + datetime.timedelta(days=1 if local.date() < day else -1))
    except ValueError:
        high = elevation(observer, noon(observer, day), with_refraction=False) > 90.0 - ZENITH
        return ("polar_day" if high else "polar_night"), "-"
    if local.date() != day:
        return "none", "-"
    utc = local.astimezone(datetime.timezone.utc)
    return local.strftime("%Y-%m-%dT%H:%M:%S"), utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    rows = ["# place\tlatitude\tlongitude\tzone\tdate\tsunrise_local\tsunrise_utc\tsunset_local\tsunset_utc"]
    for name, latitude, longitude, zone_name, spec in PLACES:
        zone = zoneinfo.ZoneInfo(zone_name)
        observer = Observer(latitude=latitude, longitude=longitude, elevation=0.0)
        for day in sorted(set(dates(spec))):
            rise_local, rise_utc = event(SunDirection.RISING, observer, day, zone)
            set_local, set_utc = event(SunDirection.SETTING, observer, day, zone)
            rows.append("\t".join([name, str(latitude), str(longitude), zone_name, day.isoformat(),
                                   rise_local, rise_utc, set_local, set_utc]))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sun_table.tsv")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
