#include "cgpio.h"

#include <linux/gpio.h>
#include <string.h>
#include <sys/ioctl.h>

int cgpio_ioctl(int fd, unsigned long request, void *arg) { return ioctl(fd, request, arg); }

unsigned long cgpio_get_chipinfo_ioctl(void) { return GPIO_GET_CHIPINFO_IOCTL; }
unsigned long cgpio_v2_get_lineinfo_ioctl(void) { return GPIO_V2_GET_LINEINFO_IOCTL; }
unsigned long cgpio_v2_get_line_ioctl(void) { return GPIO_V2_GET_LINE_IOCTL; }
unsigned long cgpio_v2_line_set_config_ioctl(void) { return GPIO_V2_LINE_SET_CONFIG_IOCTL; }
unsigned long cgpio_v2_line_get_values_ioctl(void) { return GPIO_V2_LINE_GET_VALUES_IOCTL; }
unsigned long cgpio_v2_line_set_values_ioctl(void) { return GPIO_V2_LINE_SET_VALUES_IOCTL; }

size_t cgpio_layout(cgpio_layout_item item) {
    switch (item) {
    case CGPIO_SIZEOF_CHIPINFO: return sizeof(struct gpiochip_info);
    case CGPIO_OFFSETOF_CHIPINFO_LABEL: return offsetof(struct gpiochip_info, label);
    case CGPIO_OFFSETOF_CHIPINFO_LINES: return offsetof(struct gpiochip_info, lines);
    case CGPIO_SIZEOF_LINE_VALUES: return sizeof(struct gpio_v2_line_values);
    case CGPIO_OFFSETOF_LINE_VALUES_MASK: return offsetof(struct gpio_v2_line_values, mask);
    case CGPIO_SIZEOF_LINE_ATTRIBUTE: return sizeof(struct gpio_v2_line_attribute);
    case CGPIO_OFFSETOF_LINE_ATTRIBUTE_VALUES: return offsetof(struct gpio_v2_line_attribute, values);
    case CGPIO_SIZEOF_LINE_CONFIG_ATTRIBUTE: return sizeof(struct gpio_v2_line_config_attribute);
    case CGPIO_OFFSETOF_LINE_CONFIG_ATTRIBUTE_MASK: return offsetof(struct gpio_v2_line_config_attribute, mask);
    case CGPIO_SIZEOF_LINE_CONFIG: return sizeof(struct gpio_v2_line_config);
    case CGPIO_OFFSETOF_LINE_CONFIG_NUM_ATTRS: return offsetof(struct gpio_v2_line_config, num_attrs);
    case CGPIO_OFFSETOF_LINE_CONFIG_ATTRS: return offsetof(struct gpio_v2_line_config, attrs);
    case CGPIO_SIZEOF_LINE_REQUEST: return sizeof(struct gpio_v2_line_request);
    case CGPIO_OFFSETOF_LINE_REQUEST_CONSUMER: return offsetof(struct gpio_v2_line_request, consumer);
    case CGPIO_OFFSETOF_LINE_REQUEST_CONFIG: return offsetof(struct gpio_v2_line_request, config);
    case CGPIO_OFFSETOF_LINE_REQUEST_NUM_LINES: return offsetof(struct gpio_v2_line_request, num_lines);
    case CGPIO_OFFSETOF_LINE_REQUEST_EVENT_BUFFER_SIZE:
        return offsetof(struct gpio_v2_line_request, event_buffer_size);
    case CGPIO_OFFSETOF_LINE_REQUEST_FD: return offsetof(struct gpio_v2_line_request, fd);
    case CGPIO_SIZEOF_LINE_INFO: return sizeof(struct gpio_v2_line_info);
    case CGPIO_OFFSETOF_LINE_INFO_CONSUMER: return offsetof(struct gpio_v2_line_info, consumer);
    case CGPIO_OFFSETOF_LINE_INFO_OFFSET: return offsetof(struct gpio_v2_line_info, offset);
    case CGPIO_OFFSETOF_LINE_INFO_NUM_ATTRS: return offsetof(struct gpio_v2_line_info, num_attrs);
    case CGPIO_OFFSETOF_LINE_INFO_FLAGS: return offsetof(struct gpio_v2_line_info, flags);
    case CGPIO_OFFSETOF_LINE_INFO_ATTRS: return offsetof(struct gpio_v2_line_info, attrs);
    case CGPIO_SIZEOF_LINE_EVENT: return sizeof(struct gpio_v2_line_event);
    case CGPIO_OFFSETOF_LINE_EVENT_ID: return offsetof(struct gpio_v2_line_event, id);
    case CGPIO_OFFSETOF_LINE_EVENT_OFFSET: return offsetof(struct gpio_v2_line_event, offset);
    case CGPIO_OFFSETOF_LINE_EVENT_SEQNO: return offsetof(struct gpio_v2_line_event, seqno);
    case CGPIO_OFFSETOF_LINE_EVENT_LINE_SEQNO: return offsetof(struct gpio_v2_line_event, line_seqno);
    }
    return (size_t)-1;
}

void cgpio_example_request(uint8_t *out, uint32_t offset, uint64_t flags, uint32_t debounce_us,
                           int output_value, uint32_t event_buffer_size) {
    struct gpio_v2_line_request req;
    memset(&req, 0, sizeof req);
    req.offsets[0] = offset;
    strncpy(req.consumer, "smsocket", sizeof req.consumer - 1);
    req.config.flags = flags;
    unsigned n = 0;
    if (debounce_us > 0) {
        req.config.attrs[n].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
        req.config.attrs[n].attr.debounce_period_us = debounce_us;
        req.config.attrs[n].mask = 1;
        n++;
    }
    if (output_value >= 0) {
        req.config.attrs[n].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
        req.config.attrs[n].attr.values = output_value ? 1 : 0;
        req.config.attrs[n].mask = 1;
        n++;
    }
    req.config.num_attrs = n;
    req.num_lines = 1;
    req.event_buffer_size = event_buffer_size;
    memcpy(out, &req, sizeof req);
}

void cgpio_example_event(uint8_t *out, uint64_t timestamp_ns, uint32_t id, uint32_t offset, uint32_t seqno,
                         uint32_t line_seqno) {
    struct gpio_v2_line_event ev;
    memset(&ev, 0, sizeof ev);
    ev.timestamp_ns = timestamp_ns;
    ev.id = id;
    ev.offset = offset;
    ev.seqno = seqno;
    ev.line_seqno = line_seqno;
    memcpy(out, &ev, sizeof ev);
}
