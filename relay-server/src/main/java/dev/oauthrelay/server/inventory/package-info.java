/**
 * The device inventory as the operator sees it: kept across restarts in
 * {@code <data-dir>/devices.json} ({@link dev.oauthrelay.server.inventory.DevicesFile}), saved
 * from a thread of its own ({@link dev.oauthrelay.server.inventory.DeviceTracking}), and shown as
 * JSON, CSV or a table by {@code relay devices} and {@code GET /devices} on the admin port. The
 * counting itself is {@link dev.oauthrelay.inventory.DeviceInventory} in relay-core.
 */
package dev.oauthrelay.server.inventory;
