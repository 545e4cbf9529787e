//! The message an injected error carries when its rule gives none: AWS's own text for the
//! errors whose text is known (Bedrock's throttling texts from captured responses,
//! ../shared/reference/bedrock-api.md §1.8; the common errors' texts from AWS's Common Errors
//! page and S3's error list), otherwise a sentence naming the rule.

use aws_protocol::ServiceId;

/// The default message of `shape` on `service` (`stream`: sent in an exception frame).
pub(crate) fn default_message(service: ServiceId, shape: &str, stream: bool, rule: usize) -> String {
    let bedrock = matches!(service, ServiceId::BedrockRuntime | ServiceId::Bedrock);
    let known = match shape {
        "ThrottlingException" if bedrock && stream => Some("Too many tokens, please wait before trying again."),
        "ThrottlingException" if bedrock => Some("Too many requests, please wait before trying again."),
        "ServiceQuotaExceededException" if bedrock => Some("Too many tokens per day, please wait before trying again."),
        "ModelTimeoutException" => Some("Model has timed out in processing the request. Try your request again."),
        "ModelNotReadyException" => Some(
            "Model is not ready to serve inference requests. The AWS SDK will automatically retry the operation up to 5 times. For information about configuring automatic retries, see Retry behavior in the AWS SDKs and Tools reference guide.",
        ),
        "ServiceUnavailableException" if bedrock => Some("Bedrock is unable to process your request."),
        "InternalServerException" if bedrock => {
            Some("The system encountered an unexpected error during processing. Try your request again.")
        }
        "ModelStreamErrorException" => Some("The model stream encountered an error. Try your request again."),
        "ThrottlingException" | "Throttling" => Some("Rate exceeded"),
        "SlowDown" => Some("Please reduce your request rate."),
        "ServiceUnavailable" | "ServiceUnavailableException" => {
            Some("The request has failed due to a temporary failure of the server.")
        }
        "InternalFailure" => Some("The request processing has failed because of an unknown error, exception or failure."),
        "InternalError" => Some("We encountered an internal error. Please try again."),
        _ => None,
    };
    match known {
        Some(text) => text.to_owned(),
        None => format!("{shape} injected by the emulator's fault rule {rule}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bedrock_texts_and_a_fallback() {
        assert_eq!(
            default_message(ServiceId::BedrockRuntime, "ThrottlingException", false, 0),
            "Too many requests, please wait before trying again."
        );
        assert_eq!(
            default_message(ServiceId::BedrockRuntime, "ThrottlingException", true, 0),
            "Too many tokens, please wait before trying again."
        );
        assert_eq!(default_message(ServiceId::Logs, "ThrottlingException", false, 0), "Rate exceeded");
        assert_eq!(
            default_message(ServiceId::Iam, "NoSuchEntityException", false, 3),
            "NoSuchEntityException injected by the emulator's fault rule 3."
        );
    }
}
