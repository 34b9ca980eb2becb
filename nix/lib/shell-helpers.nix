# Bash functions the modules' scripts share: retries with backoff and the
# clouds' instance metadata services. Each is a string to splice into a
# script's text. Tokens stay in shell variables and reach curl on stdin
# (`-H @-`), never on a command line.
{
  # retry CMD...: run CMD until it succeeds, backing off 2s, 4s, ... up to 60s
  # between attempts, at most $max_attempts times (default 12). Metadata
  # servers and freshly granted IAM bindings can lag behind the first boot by
  # a few minutes. With RETRY_GIVE_UP_ON=N, status N means "nothing there"
  # and is returned at once.
  retry = ''
    retry() {
      local attempt=1 delay=2 rc
      while true; do
        if "$@"; then
          return 0
        else
          rc=$?
        fi
        if { [ -n "''${RETRY_GIVE_UP_ON:-}" ] && [ "$rc" -eq "$RETRY_GIVE_UP_ON" ]; } || [ "$attempt" -ge "''${max_attempts:-12}" ]; then
          return "$rc"
        fi
        echo "attempt $attempt/''${max_attempts:-12} failed, retrying in $delay s" >&2
        sleep "$delay"
        attempt=$((attempt + 1))
        delay=$((delay * 2))
        if [ "$delay" -gt 60 ]; then delay=60; fi
      done
    }
  '';

  # aws_imds PATH [CURL-ARGS...]: GET http://169.254.169.254/latest/PATH with a
  # fresh IMDSv2 session token, passing CURL-ARGS to curl.
  awsImds = ''
    aws_imds() {
      local path=$1 token
      shift
      token=$(curl -fsS --max-time 5 -X PUT \
        -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
        http://169.254.169.254/latest/api/token) || return 1
      printf 'X-aws-ec2-metadata-token: %s\n' "$token" \
        | curl -H @- "$@" "http://169.254.169.254/latest/$path"
    }
  '';

  # azure_imds_token RESOURCE [CURL-ARGS...]: prints an access token of the
  # VM's managed identity for RESOURCE (e.g. https://vault.azure.net).
  azureImdsToken = ''
    azure_imds_token() {
      local resource=$1
      shift
      curl -fsS --max-time 10 "$@" -H 'Metadata: true' --get \
        --data-urlencode "resource=$resource" --data 'api-version=2018-02-01' \
        'http://169.254.169.254/metadata/identity/oauth2/token' \
        | jq -er .access_token
    }
  '';

  # gce_metadata PATH [CURL-ARGS...]: GET the metadata server's
  # computeMetadata/v1/PATH.
  gceMetadata = ''
    gce_metadata() {
      local path=$1
      shift
      curl -H 'Metadata-Flavor: Google' "$@" "http://metadata.google.internal/computeMetadata/v1/$path"
    }
  '';
}
