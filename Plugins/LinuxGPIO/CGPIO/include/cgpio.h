#pragma once
// A tiny shim over <linux/gpio.h> (the GPIO character device, uAPI v2) for Swift.
//
// Swift cannot call the variadic ioctl(2) nor see the _IOWR macros, so this file gives non-variadic
// wrappers and the request numbers. The structs themselves are encoded in Swift (GPIOStructs.swift);
// cgpio_layout reports the header's sizes and offsets so tests can check that encoding.

#include <stddef.h>
#include <stdint.h>

/// ioctl(fd, request, arg); returns -1 and sets errno on failure.
int cgpio_ioctl(int fd, unsigned long request, void *arg);

/// The ioctl request numbers, computed by the header's own macros.
unsigned long cgpio_get_chipinfo_ioctl(void);
unsigned long cgpio_v2_get_lineinfo_ioctl(void);
unsigned long cgpio_v2_get_line_ioctl(void);
unsigned long cgpio_v2_line_set_config_ioctl(void);
unsigned long cgpio_v2_line_get_values_ioctl(void);
unsigned long cgpio_v2_line_set_values_ioctl(void);

/// Sizes and field offsets of the uAPI structs, as the compiler lays them out from the header.
typedef enum {
    CGPIO_SIZEOF_CHIPINFO,
    CGPIO_OFFSETOF_CHIPINFO_LABEL,
    CGPIO_OFFSETOF_CHIPINFO_LINES,
    CGPIO_SIZEOF_LINE_VALUES,
    CGPIO_OFFSETOF_LINE_VALUES_MASK,
    CGPIO_SIZEOF_LINE_ATTRIBUTE,
    CGPIO_OFFSETOF_LINE_ATTRIBUTE_VALUES,
    CGPIO_SIZEOF_LINE_CONFIG_ATTRIBUTE,
    CGPIO_OFFSETOF_LINE_CONFIG_ATTRIBUTE_MASK,
    CGPIO_SIZEOF_LINE_CONFIG,
    CGPIO_OFFSETOF_LINE_CONFIG_NUM_ATTRS,
    CGPIO_OFFSETOF_LINE_CONFIG_ATTRS,
    CGPIO_SIZEOF_LINE_REQUEST,
    CGPIO_OFFSETOF_LINE_REQUEST_CONSUMER,
    CGPIO_OFFSETOF_LINE_REQUEST_CONFIG,
    CGPIO_OFFSETOF_LINE_REQUEST_NUM_LINES,
    CGPIO_OFFSETOF_LINE_REQUEST_EVENT_BUFFER_SIZE,
    CGPIO_OFFSETOF_LINE_REQUEST_FD,
    CGPIO_SIZEOF_LINE_INFO,
    CGPIO_OFFSETOF_LINE_INFO_CONSUMER,
    CGPIO_OFFSETOF_LINE_INFO_OFFSET,
    CGPIO_OFFSETOF_LINE_INFO_NUM_ATTRS,
    CGPIO_OFFSETOF_LINE_INFO_FLAGS,
    CGPIO_OFFSETOF_LINE_INFO_ATTRS,
    CGPIO_SIZEOF_LINE_EVENT,
    CGPIO_OFFSETOF_LINE_EVENT_ID,
    CGPIO_OFFSETOF_LINE_EVENT_OFFSET,
    CGPIO_OFFSETOF_LINE_EVENT_SEQNO,
    CGPIO_OFFSETOF_LINE_EVENT_LINE_SEQNO,
} cgpio_layout_item;

/// The size or offset named by `item`, in bytes (SIZE_MAX for an unknown item).
size_t cgpio_layout(cgpio_layout_item item);

/// Fills `out` (sizeof(struct gpio_v2_line_request) bytes) with a request built field by field in C:
/// one line at `offset`, consumer "smsocket", `flags`, and a debounce attribute (attrs[0], mask 1) when
/// `debounce_us` > 0 and an output-values attribute (next slot, mask 1) when `output_value` >= 0.
/// Tests compare it with the Swift encoding.
void cgpio_example_request(uint8_t *out, uint32_t offset, uint64_t flags, uint32_t debounce_us,
                           int output_value, uint32_t event_buffer_size);

/// Fills `out` (sizeof(struct gpio_v2_line_event) bytes) with an event built in C, for decoder tests.
void cgpio_example_event(uint8_t *out, uint64_t timestamp_ns, uint32_t id, uint32_t offset, uint32_t seqno,
                         uint32_t line_seqno);
