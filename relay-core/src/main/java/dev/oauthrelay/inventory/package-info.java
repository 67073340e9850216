/**
 * The device inventory: which clients still submit mail over SMTP, as whom, and how. Microsoft's
 * own tooling does not tell admins which printers, scanners and scripts use SMTP AUTH; the relay
 * sees every one of them, so it keeps a list.
 *
 * <p>A device is a client address (after any PROXY header: the device's own). That is the one
 * thing every connection has, AUTH or not; the accounts and trusted networks used from an
 * address are listed under it, so a shared account shows up on each device that uses it, and a
 * device that changes accounts shows both. Devices behind NAT share an address and therefore an
 * entry; their HELO names usually still tell them apart.
 *
 * <p>{@link dev.oauthrelay.inventory.DeviceInventory} is an observer of the relay's events: it
 * only updates memory (cheap, thread-safe, never blocking), bounded in the number of devices and
 * in the names kept per device. Persisting it is the caller's job, from a thread of its own.
 */
package dev.oauthrelay.inventory;
