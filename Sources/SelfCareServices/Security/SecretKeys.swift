/// Rules for the deployment's keys (`SELFCARE_CODE_KEY`, `SELFCARE_CLIENT_ID_KEY`, the gateway's secrets).
package enum SecretKeys {
    /// Keys and secrets shorter than this are refused.
    package static let minimumLength = 32
}
