"""EC2: instances, EBS volumes and snapshots, Elastic IPs, NAT gateways.

Each is its own collector (its own coverage entry): a denied DescribeSnapshots must not
hide the instances. Mapping decisions:

* Instances launched by an Auto Scaling group (tag ``aws:autoscaling:groupName``) are
  not emitted: the group is the resource that carries their cost and their tags
  (``propagate_at_launch``), as in Terraform. They are counted in
  ``scan_info["skipped"]``. Terminated instances cost nothing and are left out.
* Volumes are emitted as ``aws_ebs_volume`` whether attached or not — the bill and
  the tags are per volume — so instances carry no ``root_block_device`` sizes (that
  would price the same storage twice); ``live.volume_ids`` links them.
* Spot instances get ``instance_market_options = [{market_type = "spot"}]``.
* Snapshots are listed with ``OwnerIds=["self"]`` (never the public ones); a
  snapshot made by CreateImage says which AMI it backs (``live.ami``).
"""

from __future__ import annotations

import re

from tagcheck.sources.aws import metrics
from tagcheck.sources.aws.common import CollectContext, Outcome, iso, pairs

SERVICE = "ec2"
_GONE = {"terminated", "shutting-down"}
_AMI = re.compile(r"\b(ami-[0-9a-f]+)\b")


def instances(ctx: CollectContext) -> Outcome:
    out = Outcome()
    ec2 = ctx.client("ec2")
    running: list[tuple[str, str]] = []
    for reservation in ctx.pages(ec2, "describe_instances", "Reservations"):
        for item in reservation.get("Instances") or []:
            state = (item.get("State") or {}).get("Name")
            tags = pairs(item.get("Tags"))
            if state in _GONE:
                continue
            if "aws:autoscaling:groupName" in tags:
                out.skipped["autoscaling_managed_instances"] += 1
                continue
            arn = ctx.arn("ec2", f"instance/{item['InstanceId']}")
            lifecycle = item.get("InstanceLifecycle") or "on-demand"
            attributes = {
                "instance_type": item.get("InstanceType"),
                "ami": item.get("ImageId"),
                "availability_zone": (item.get("Placement") or {}).get("AvailabilityZone"),
                "subnet_id": item.get("SubnetId"),
                "tenancy": (item.get("Placement") or {}).get("Tenancy"),
            }
            if lifecycle == "spot":
                attributes["instance_market_options"] = [{"market_type": "spot"}]
            live = {
                "state": state,
                "launch_time": iso(item.get("LaunchTime")),
                "lifecycle": lifecycle,
                "platform": item.get("PlatformDetails") or item.get("Platform") or "Linux/UNIX",
                "volume_ids": [m["Ebs"]["VolumeId"] for m in item.get("BlockDeviceMappings") or [] if m.get("Ebs")],
                "root_device_name": item.get("RootDeviceName"),
            }
            out.resources.append(ctx.resource("aws_instance", arn, tags, attributes, live))
            if state == "running":
                running.append((arn, item["InstanceId"]))
    out.more = metrics.cpu_followup(ctx, metrics.EC2, running)
    return out


def volumes(ctx: CollectContext) -> Outcome:
    out = Outcome()
    for item in ctx.pages(ctx.client("ec2"), "describe_volumes", "Volumes"):
        attachments = [a for a in item.get("Attachments") or [] if a.get("State") in ("attached", "attaching")]
        attributes = {
            "availability_zone": item.get("AvailabilityZone"),
            "type": item.get("VolumeType"),
            "size": item.get("Size"),
            "iops": item.get("Iops"),
            "throughput": item.get("Throughput"),
            "encrypted": item.get("Encrypted"),
            "snapshot_id": item.get("SnapshotId") or None,
        }
        live = {
            "state": item.get("State"),
            "attached": bool(attachments),
            "attached_to": [a.get("InstanceId") for a in attachments],
            "create_time": iso(item.get("CreateTime")),
        }
        arn = ctx.arn("ec2", f"volume/{item['VolumeId']}")
        out.resources.append(ctx.resource("aws_ebs_volume", arn, pairs(item.get("Tags")), attributes, live))
    return out


def snapshots(ctx: CollectContext) -> Outcome:
    out = Outcome()
    for item in ctx.pages(ctx.client("ec2"), "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        ami = _AMI.search(item.get("Description") or "")
        attributes = {
            "volume_id": item.get("VolumeId"),
            "volume_size": item.get("VolumeSize"),
            "description": item.get("Description"),
            "encrypted": item.get("Encrypted"),
            "storage_tier": item.get("StorageTier") or "standard",
        }
        live = {"state": item.get("State"), "start_time": iso(item.get("StartTime")), "ami": ami.group(1) if ami else None}
        arn = ctx.arn("ec2", f"snapshot/{item['SnapshotId']}", account="")  # snapshot ARNs have no account
        out.resources.append(ctx.resource("aws_ebs_snapshot", arn, pairs(item.get("Tags")), attributes, live))
    return out


def addresses(ctx: CollectContext) -> Outcome:
    """DescribeAddresses has no pagination: one call returns every address."""
    out = Outcome()
    for item in ctx.client("ec2").describe_addresses().get("Addresses") or []:
        ident = item.get("AllocationId") or item.get("PublicIp")
        associated = bool(item.get("AssociationId") or item.get("InstanceId") or item.get("NetworkInterfaceId"))
        attributes = {"domain": item.get("Domain"), "public_ip": item.get("PublicIp"),
                      "allocation_id": item.get("AllocationId"), "network_border_group": item.get("NetworkBorderGroup")}
        live = {"associated": associated, "association_id": item.get("AssociationId") or None,
                "instance_id": item.get("InstanceId") or None,
                "network_interface_id": item.get("NetworkInterfaceId") or None}
        arn = ctx.arn("ec2", f"elastic-ip/{ident}")
        out.resources.append(ctx.resource("aws_eip", arn, pairs(item.get("Tags")), attributes, live))
    return out


def nat_gateways(ctx: CollectContext) -> Outcome:
    out = Outcome()
    for item in ctx.pages(ctx.client("ec2"), "describe_nat_gateways", "NatGateways"):
        if item.get("State") in ("deleted", "deleting", "failed"):
            continue
        addresses_ = item.get("NatGatewayAddresses") or []
        attributes = {"subnet_id": item.get("SubnetId"), "connectivity_type": item.get("ConnectivityType") or "public",
                      "allocation_id": addresses_[0].get("AllocationId") if addresses_ else None}
        live = {"state": item.get("State"), "create_time": iso(item.get("CreateTime")), "vpc_id": item.get("VpcId")}
        arn = ctx.arn("ec2", f"natgateway/{item['NatGatewayId']}")
        out.resources.append(ctx.resource("aws_nat_gateway", arn, pairs(item.get("Tags")), attributes, live))
    return out


COLLECTORS = {"instances": instances, "volumes": volumes, "snapshots": snapshots, "addresses": addresses,
              "nat_gateways": nat_gateways}
