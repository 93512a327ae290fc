"""The live source: a read-only audit of AWS accounts with boto3 (DESIGN.md §5).

Only this package imports boto3/botocore, and only inside its modules that talk to
AWS, so ``tagcheck --version`` and the pre-commit path never pay for it. The command
(``tagcheck.cli.aws``, through ``tagcheck.app.collect_aws``) imports
:mod:`tagcheck.sources.aws.audit` when it runs.

Layout: ``services`` (the collector names, no boto3) · ``session`` (credentials,
regions, accounts, retries, call counting, the read-only guard) · ``common`` (what a
collector gets: clients, paginators, the Resource factory) · one module per service ·
``metrics`` (CloudWatch) · ``costexplorer`` · ``audit`` (the concurrent run and its
coverage) · ``demo`` (moto in-process).
"""
