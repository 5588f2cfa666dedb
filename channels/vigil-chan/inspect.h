/* SPDX-License-Identifier: GPL-2.0 */
/* vigil-chan inspect: a loaded channel as a JSON document. */
#ifndef VCHAN_INSPECT_H
#define VCHAN_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "loader.h"

/**
 * inspect_json() - describe a loaded channel
 * @ch: the channel, from vigil_channel_load()
 * @raw: the file bytes it was loaded from
 * @raw_len: their length
 *
 * Return: a new JSON object (json_object_put()), or NULL if the payload
 * cannot be decoded.
 */
json_object *inspect_json(const struct vigil_channel *ch, const uint8_t *raw,
			  size_t raw_len);

#endif /* VCHAN_INSPECT_H */
