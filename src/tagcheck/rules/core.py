"""TC rules: what tagcheck reports about its own run rather than about a resource.

They have no check function: the engine raises TC000 (a rule crashed) and TC002
(a suppression that suppressed nothing, or has expired); sources raise TC001 (a file
that cannot be parsed) and TC003 (a remote module that is not scanned).
"""

from tagcheck.model import Lever, Severity
from tagcheck.rules.registry import Rule

RULES = (
    Rule("TC000", "internal-error", Severity.ERROR, Lever.GOVERNANCE,
         "A rule crashed on a resource; the run went on without it.",
         """A bug in tagcheck, not in your code: the message names the rule and the exception.
Please report it with the resource block that triggered it. The other rules still ran."""),
    Rule("TC001", "parse-error", Severity.ERROR, Lever.GOVERNANCE,
         "A file cannot be parsed or a configuration is invalid (syntax, encoding, size, cycles, "
         "missing module source); the rest is still checked.",
         """The finding names the file, line and column. Resources in that file are not checked
until it parses, so this is an error by default. Invalid configuration that Terraform itself
would reject — cyclic locals, a block with the wrong number of labels, a module source that does
not exist or calls itself — is reported the same way, with the chain or the reason.

    resource "aws_s3_bucket" "x" {
      bucket = "a"                  # TC001 at the end of file: unclosed block
"""),
    Rule("TC002", "unused-suppression", Severity.WARNING, Lever.GOVERNANCE,
         "A suppression suppressed nothing, or a policy ignore entry has expired.",
         """Inline `# tagcheck:ignore=RULE reason` comments and policy `ignore:` entries should
shrink as code is fixed. One that matches no finding is reported so it can be removed; an
`ignore` entry past its `expires` date stops suppressing and is reported too."""),
    Rule("TC003", "remote-module-not-scanned", Severity.INFO, Lever.GOVERNANCE,
         "A module call with a remote source (registry, git, http) is not fetched or scanned.",
         """tagcheck never touches the network. Resources inside remote modules are out of scope of
`scan`; run `tagcheck plan` on a plan to check them with the tags Terraform computes.

    module "vpc" {
      source = "terraform-aws-modules/vpc/aws"    # TC003, reported once per call
    }
"""),
)
