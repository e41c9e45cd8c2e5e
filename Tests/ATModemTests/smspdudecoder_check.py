"""Decodes SMS-DELIVER PDUs with the independent smspdudecoder package, for PDUCrossCheckTests.

Reads one hex PDU per line on stdin; prints one JSON object per line: sender, content, UTC date (ISO 8601),
and partial ({reference, parts_count, part_number} or false), or {"error": "..."}.
"""
import json
import sys

from smspdudecoder.easy import read_incoming_sms

for line in sys.stdin:
    pdu = line.strip()
    if not pdu:
        continue
    try:
        sms = read_incoming_sms(pdu)
        partial = sms["partial"]
        if partial:
            partial = {
                "reference": int(partial["reference"].split("-")[0]),
                "parts_count": partial["parts_count"],
                "part_number": partial["part_number"],
            }
        out = {
            "sender": sms["sender"],
            "content": sms["content"],
            "date": sms["date"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "partial": partial,
        }
    except Exception as error:  # report, never stop: the Swift side counts failures
        out = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(out, ensure_ascii=False), flush=False)
