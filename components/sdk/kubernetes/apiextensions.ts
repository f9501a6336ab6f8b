export { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
