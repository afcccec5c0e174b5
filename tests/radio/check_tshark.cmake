# Wireshark's Bluetooth LE dissector as an independent decoder of earshot's advertisements:
# writes a pcap with earshot-radio-write-pcap and compares what tshark reads from it with the
# fields the packets were built from (write_pcap.cpp).
#   cmake -DTSHARK=... -DWRITER=... -DCASE=<decodes-decision-packets|rejects-corrupted-crc>
#         -DWORK_DIR=... -P check_tshark.cmake
set(pcap ${WORK_DIR}/radio-${CASE}.pcap)
if(CASE STREQUAL "decodes-decision-packets")
  set(writer_arguments "")
  # PDU type, TxAdd, AdvA, AD type, company ID, manufacturer data (format E1, class, confidence,
  # sequence LE, model hash), "Incorrect CRC" and "CRC unchecked" flags (both must be empty).
  set(fields btle.advertising_header.pdu_type btle.advertising_header.randomized_tx
    btle.advertising_address btcommon.eir_ad.entry.type btcommon.eir_ad.entry.company_id
    btcommon.eir_ad.entry.data btle.crc.incorrect btle.crc.indeterminate)
  set(expected
    "0x02,1,c0:11:22:33:44:55,0xff,0xffff,e107c83412deadbeef,,"  # class 7, 200/255, seq 0x1234
    "0x02,1,c0:11:22:33:44:55,0xff,0xffff,e100ff000001234567,,"  # class 0, 1.0 -> 255, seq 0
    "0x02,1,c0:11:22:33:44:55,0xff,0xffff,e10901ffffdeadbeef,,")  # class 9, 0.004 -> 1, 65535
elseif(CASE STREQUAL "rejects-corrupted-crc")
  # The same packets with one CRC bit flipped: proves tshark really checks the CRC.
  set(writer_arguments --corrupt-crc)
  set(fields btle.advertising_header.pdu_type btle.crc.incorrect)
  set(expected "0x02,1" "0x02,1" "0x02,1")
else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()

execute_process(COMMAND ${WRITER} ${pcap} ${writer_arguments} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "earshot-radio-write-pcap failed (${result})")
endif()
set(field_arguments "")
foreach(field IN LISTS fields)
  list(APPEND field_arguments -e ${field})
endforeach()
execute_process(COMMAND ${TSHARK} -r ${pcap} -T fields -E separator=, ${field_arguments}
  OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "tshark failed (${result}): ${errors}")
endif()
string(STRIP "${output}" output)
string(REPLACE "\n" ";" lines "${output}")
if(NOT lines STREQUAL expected)
  string(REPLACE ";" "\n  " expected_text "${expected}")
  string(REPLACE ";" "\n  " lines_text "${lines}")
  message(FATAL_ERROR "tshark decoded\n  ${lines_text}\nexpected\n  ${expected_text}")
endif()
message(STATUS "tshark decoded ${pcap} as expected")
