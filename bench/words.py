"""Plain English words for generated names and filler prose (no protocol vocabulary)."""

NOUNS = """
abacus acorn address agenda alarm album alder almond amber anchor angle anvil apple apricot arbor arcade archive
arena argon arrow aspen atlas atrium aurora avenue badge bakery ballot bamboo banner barley barrel basalt basin
beacon beaker bellow bench berry birch biscuit blanket blossom boulder bracket branch breeze brick bridge bronze
bucket budget bundle bureau cabin cactus camera canal candle canopy canyon carbon cargo carpet cart cascade castle
cedar cellar census chalk chapel charter cherry chestnut chimney cinder circuit citrus civic clay cliff clover
cobalt cocoa comet compass copper coral cordon cottage cotton county courier crane crater crayon creek crest
cricket crystal cupola cypress dahlia daisy delta desert dial diamond dock dolphin domain dome dove dragon drum
dune eagle easel echo elder elm ember engine estuary fable falcon feather fennel ferry fiber fiddle fig finch fjord
flame flint flora fluke forest forge fossil fountain fox freight frost galaxy garden garnet gazette gear geyser
ginger glacier glade globe granite grape gravel grove gull harbor harvest hazel heron hickory hinge hive holly
horizon hornet iris island ivory jasmine jasper jetty juniper kayak kernel kettle kiln kite lagoon lantern larch
lark laurel ledger lemon lens lilac linden lotus lumber lunar magnet mango maple marble marina market meadow
medal melon mesa mill mint mirror mosaic moss nectar needle nickel nimbus nutmeg oasis oak oat ocean olive onyx
opal orbit orchard orchid otter oyster paddle palette panda parcel pasture pebble pelican pepper pier pine pixel
plank plaza plum pollen pond poplar porch prairie prism pulley pumice quarry quartz quill radish raft rain ranch
raven reed reef ridge river robin rocket rose ruby saddle saffron sage salmon sandal satin savanna scarab schooner
scroll shale shell shore sierra silk silver sketch slate sparrow spindle spruce squid summit sundial swallow
sycamore tablet talon tangle tapestry tavern teapot tern thicket thistle thunder tide timber topaz torch tower
trail tulip tundra turnip umber valley velvet vessel village vine violet walnut warbler willow window wren yarrow
yucca zenith zephyr zinc acre bay beet bolt brook cask cove dew fern gem glen hull isle jade kelp knoll loom marsh
oar peak pine quay rill sail seed sled spur tarn vale wharf yew
""".split()

VERBS = """
adjust align allot amend append assemble assign audit balance blend bundle calibrate carve cast catalogue charge
chart clamp collate combine compact compile compose compress condense convert copy count crop decode defer
deflate derive detect divide draft drain encode enrich erase expand export extract fetch filter flag fold forward
freeze gather grade group guard harvest hoard index infer inspect join label latch lease level lift link list
load lock mark measure melt mend merge mirror mix model mold mount move name nest note number order pace pack pad
pair parse patch pause peel persist pick pin pitch place plan plot polish pour press prime print probe prune pull
pump purge push quote rank rate reap rebuild recall record recover refine relay render repair resolve rinse roll
rotate round route sample scale scan score screen seal select settle shape sharpen shift shred sift sign sketch
slice smooth sort split spool spread stack stamp stash steer stitch store strip sum swap sweep tally tag tend test
thread tidy tile tilt trace track trim tune twist verify wash weave weigh wind wrap yield zip
""".split()

ADJECTIVES = """
amber brisk calm clear crisp daily deep early eager fair fast fine firm fresh gentle golden grand green hidden
honest keen large late light lively local lucky main mild narrow neat nimble noble open pale plain prime proper
quick quiet rapid rare ready regular robust round rustic sharp short silent simple slim small smart smooth soft
solid spare steady still stout strong sunny swift tall tidy tiny true vast vivid warm wide wild wise young
""".split()
