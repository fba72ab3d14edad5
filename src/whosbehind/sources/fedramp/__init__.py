"""The FedRAMP Marketplace: legacy feed, marketplace feed and the FedRAMP organization export."""
