export { Topic } from "@pulumi/aws/sns/topic";
